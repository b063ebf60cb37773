from django.urls import path

from members.api import views
from members.leaderboards import api as leaderboards
from members.loyalty import api as loyalty
from members.notifications import api as notifications
from members.referrals import api as referrals

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/avatar/", views.MeAvatarApi.as_view(), name="me-avatar"),
    path("me/referrals/", referrals.MyReferralsApi.as_view(), name="me-referrals"),
    path(
        "leaderboards/topics/<slug:slug>/",
        leaderboards.TopicLeaderboardApi.as_view(),
        name="leaderboard-topic",
    ),
    path("leaderboards/<str:board>/", leaderboards.LeaderboardApi.as_view(), name="leaderboard"),
    path(
        "me/notification-preferences/",
        notifications.NotificationPreferencesApi.as_view(),
        name="me-notification-preferences",
    ),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        notifications.NotificationUnreadCountApi.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/read-all/",
        notifications.NotificationReadAllApi.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("me/points/", loyalty.MyPointsApi.as_view(), name="me-points"),
    path("badges/", loyalty.BadgeListApi.as_view(), name="badge-list"),
    path("badges/<slug:slug>/", loyalty.BadgeDetailApi.as_view(), name="badge-detail"),
    path("badges/<slug:slug>/grants/", loyalty.BadgeGrantApi.as_view(), name="badge-grant"),
    path("tiers/", loyalty.TierListApi.as_view(), name="tier-list"),
    path("tier-grants/", loyalty.TierGrantApi.as_view(), name="tier-grant"),
    path("members/", views.MemberListApi.as_view(), name="member-list"),
    path("members/<str:handle>/", views.MemberDetailApi.as_view(), name="member-detail"),
]
