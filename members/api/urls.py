from django.urls import path

from members.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
]
