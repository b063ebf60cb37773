from django.urls import path

from members.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/avatar/", views.MeAvatarApi.as_view(), name="me-avatar"),
    path("members/", views.MemberListApi.as_view(), name="member-list"),
    path("members/<str:handle>/", views.MemberDetailApi.as_view(), name="member-detail"),
]
