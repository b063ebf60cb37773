from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("staff/outbox/", views.outbox_list, name="outbox"),
    path("staff/outbox/<int:delivery_id>/", views.outbox_detail, name="outbox-detail"),
    path("staff/outbox/<int:delivery_id>/resend/", views.outbox_resend, name="outbox-resend"),
    path("email/events/", views.email_events, name="email-events"),
]
