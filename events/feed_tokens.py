"""The signed tokens of private calendar feed URLs (see events.services.feeds)."""

from __future__ import annotations

from django.core import signing

from events.models import CalendarFeed

FEED_SALT = "hearth.events.calendar-feed"


def feed_token(feed: CalendarFeed) -> str:
    """The signed token of a feed's current URL."""
    return signing.Signer(salt=FEED_SALT).sign(f"{feed.member_id}.{feed.nonce}")


def read_feed_token(token: str) -> tuple[int, str] | None:
    """(member id, nonce) from a token, or None for a forged or damaged one. No query."""
    try:
        value = signing.Signer(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    member_id, _, nonce = value.partition(".")
    if not member_id.isdigit() or not nonce:
        return None
    return int(member_id), nonce
