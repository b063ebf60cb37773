from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("settings/api-token/", views.api_token, name="api-token"),
]
