from django.urls import path

from community import moderation_views as views

app_name = "moderation"

urlpatterns = [
    path("moderators/", views.moderators, name="moderators"),
    path("moderators/<int:member_id>/remove/", views.moderator_remove, name="moderator-remove"),
]
