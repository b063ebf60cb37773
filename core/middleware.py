"""Response headers that every answer carries (Content-Security-Policy is django-csp's), and
Hearth's own error pages in a local DEBUG run.

Permissions-Policy turns off browser features Hearth never uses, so an injected script or a
framed page cannot ask for the camera or the location in Hearth's name.
Cross-Origin-Resource-Policy keeps other sites from embedding Hearth's responses (avatars,
JSON) in their pages. Reporting-Endpoints names where browsers send CSP reports (the
Reporting API's counterpart of report-uri). Values come from settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase


class SecurityHeadersMiddleware:
    """Adds PERMISSIONS_POLICY, CROSS_ORIGIN_RESOURCE_POLICY and REPORTING_ENDPOINTS.

    A header a view already set is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        endpoints: dict[str, str] = settings.REPORTING_ENDPOINTS
        self.headers = {
            "Permissions-Policy": ", ".join(
                f"{feature}=({' '.join(allowed)})"
                for feature, allowed in settings.PERMISSIONS_POLICY.items()
            ),
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
            "Reporting-Endpoints": ", ".join(f'{name}="{url}"' for name, url in endpoints.items()),
        }

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for header, value in self.headers.items():
            if value and header not in response:
                response[header] = value
        return response


# Django's technical 404 and 500 pages both carry this; Hearth's own pages never do.
_TECHNICAL_PAGE_MARK = b'content="NONE,NOARCHIVE"'


class MemberErrorPagesMiddleware:
    """With DEBUG on but DEBUG_PAGES off (`make run`), a page that Django would answer with
    its debug 404 or 500 page is answered with Hearth's own, as a member sees it. The
    exception is still logged to the console; `make run DEV=1` keeps the debug pages.
    Outside DEBUG Django already serves Hearth's pages and this does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not settings.DEBUG
            or settings.DEBUG_PAGES
            or response.status_code not in (404, 500)
            or response.streaming
            or _TECHNICAL_PAGE_MARK not in getattr(response, "content", b"")
        ):
            return response
        from core import views  # views import models; middleware loads before apps are ready

        page = (
            views.page_not_found(request, Http404())
            if response.status_code == 404
            else views.server_error(request)
        )
        page._has_been_logged = True  # type: ignore[attr-defined]  # Django logged it once
        return page
