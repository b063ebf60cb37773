from django.urls import path

from community import moderation_views as views

app_name = "moderation"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("act/", views.act, name="act"),
    path("audit/", views.audit, name="audit"),
    path("notices/", views.notices, name="notices"),
    path("flag/post/<int:pk>/", views.flag, {"kind": "post"}, name="flag-post"),
    path("flag/thread/<int:pk>/", views.flag, {"kind": "thread"}, name="flag-thread"),
    path("flag/profile/<int:pk>/", views.flag, {"kind": "profile"}, name="flag-profile"),
    path("moderators/", views.moderators, name="moderators"),
    path("moderators/<int:member_id>/remove/", views.moderator_remove, name="moderator-remove"),
]
