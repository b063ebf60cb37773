from django.urls import path

from members.referrals import views

urlpatterns = [
    path("join/<str:code>/", views.join, name="join"),
    path("settings/referrals/", views.referrals, name="referrals"),
]
