"""Everything under /api/v1/."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("members.api.urls")),
    path("", include("community.api.urls")),
    path("", include("events.api.urls")),
]
