from django.urls import path

from members.notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/count/", views.unread_count, name="notification-count"),
    path("notifications/read-all/", views.mark_all_read, name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/open/",
        views.open_notification,
        name="notification-open",
    ),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "notifications/<int:notification_id>/read/",
        views.mark_read,
        name="notification-read",
    ),
]
