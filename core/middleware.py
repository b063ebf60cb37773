"""Response headers that every answer carries (Content-Security-Policy is django-csp's).

Permissions-Policy turns off browser features Hearth never uses, so an injected script or a
framed page cannot ask for the camera or the location in Hearth's name.
Cross-Origin-Resource-Policy keeps other sites from embedding Hearth's responses (avatars,
JSON) in their pages. Reporting-Endpoints names where browsers send CSP reports (the
Reporting API's counterpart of report-uri). Values come from settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


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
