"""Show times in the member's own time zone (stored times stay UTC)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core import page_cache
from members.models import Tier, User

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
            prime_tier(user)


TIERS_KEY = "members:tiers"
_TIER = User._meta.get_field("tier")


def prime_tier(user: User) -> None:
    """Give the member their tier from the cache: every member page reads it (marks,
    tier-only categories), and the tier table is a handful of rows staff rarely change.

    The rows are stored with the page cache's generation they were read under, which every
    committed write to the table replaces (core/page_cache.py), so a stored copy is used only
    while no write could have changed it: one cache round trip instead of a query."""
    if user.tier_id is None or _TIER.is_cached(user):
        return
    found = cache.get_many([page_cache.GENERATION_KEY, TIERS_KEY])
    generation, stored = found.get(page_cache.GENERATION_KEY), found.get(TIERS_KEY)
    if generation is not None and stored is not None and stored[0] == generation:
        tiers = stored[1]
    else:
        tiers = {tier.pk: tier for tier in Tier.objects.all()}
        if generation is not None:
            cache.set(TIERS_KEY, (generation, tiers), timeout=3600)
    if user.tier_id in tiers:
        _TIER.set_cached_value(user, tiers[user.tier_id])
