from django.urls import path

from members.leaderboards import views

urlpatterns = [
    path("leaderboards/", views.leaderboard, name="leaderboard"),
    path("leaderboards/topics/<slug:slug>/", views.topic_leaderboard, name="leaderboard-topic"),
    path("leaderboards/<str:board>/", views.leaderboard, name="leaderboard-board"),
]
