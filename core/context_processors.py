from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

#: The header navigation, in order. A section appears once its URL exists.
NAVIGATION = [
    ("Forum", "community:latest"),
    ("Members", "members:directory"),
    ("Events", "events:list"),
    ("Leaderboard", "members:leaderboard"),
    ("Ideas", "community:ideas"),
]


def _navigation() -> list[tuple[str, str, str]]:
    items = []
    for label, url_name in NAVIGATION:
        try:
            items.append((label, url_name, reverse(url_name)))
        except NoReverseMatch:
            continue
    return items


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.SITE_NAME,
        "navigation": _navigation(),
        "github_login_enabled": settings.GITHUB_LOGIN_ENABLED,
    }
