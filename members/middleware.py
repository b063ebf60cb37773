"""Show times in the member's own time zone (stored times stay UTC)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from members.models import User

V = TypeVar("V", bound=Callable[..., Any])


def without_member_time_zone(view: V) -> V:
    """Mark a view that shows no times: the middleware then leaves the user unloaded (the
    notification poll answers from the session and the cache alone)."""
    view.skips_member_time_zone = True  # type: ignore[attr-defined]  # a marker attribute
    return view


class MemberTimeZoneMiddleware:
    """Activates the signed-in member's time zone for the request; visitors get UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        """Activate the member's zone once the view is known (unless it shows no times)."""
        if getattr(view, "skips_member_time_zone", False):
            return
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            timezone.activate(user.zone)
