from django.urls import path

from members import views
from members.leaderboards.urls import urlpatterns as leaderboard_urls
from members.loyalty import views as loyalty
from members.notifications.urls import urlpatterns as notification_urls
from members.referrals.urls import urlpatterns as referral_urls
from members.rewards import views as rewards

app_name = "members"

urlpatterns = [
    *notification_urls,
    *referral_urls,
    *leaderboard_urls,
    path("members/", views.directory, name="directory"),
    path("u/<str:handle>/", views.profile_detail, name="profile"),
    path("u/<str:handle>/reward/", rewards.reward, name="reward"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("welcome/resend-link/", views.resend_confirmation, name="resend-confirmation"),
    path("settings/profile/", views.profile_edit, name="profile-edit"),
    path("settings/avatar/", views.avatar_update, name="avatar"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
    path("settings/privacy/", views.privacy_settings, name="privacy"),
    path("settings/privacy/export/", views.data_export, name="export"),
    path("settings/privacy/delete/", views.account_delete, name="delete"),
    path("settings/api-token/", views.api_token, name="api-token"),
    path("loyalty/points/", loyalty.points, name="points"),
    path("loyalty/tiers/", loyalty.tier_list, name="tiers"),
    path("badges/", loyalty.badge_list, name="badges"),
    path("badges/<slug:slug>/", loyalty.badge_detail, name="badge"),
]
