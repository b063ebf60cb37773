from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from core import views as core_views
from members.views import ConfirmEmailView

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # allauth's confirmation page, confirming without the extra click in the browser that
    # signed up (members.views.ConfirmEmailView says why only there).
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$",
        ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Hearth's own reference, rendered from the same schema in the site's layout and theme.
    path("api/docs/", core_views.api_docs, name="api-docs"),
    path("", include("members.urls")),
    path("", include("community.urls")),
    path("moderation/", include("community.moderation_urls")),
    path("", include("events.urls")),
    path("", include("core.urls")),
]

# JSON for /api/ paths, the HTML pages elsewhere.
handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() does nothing without DEBUG; this serves in any mode.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", core_views.media_file)
    ]

if settings.BENCH_FLOOR:
    # The benchmark's floor page (bench/floor.py), served only to the bench's own gunicorn.
    from bench.floor import floor

    urlpatterns += [path("bench/floor/", floor, name="bench-floor")]
