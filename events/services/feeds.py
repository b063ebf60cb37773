"""Private calendar feeds: one URL per member, signed (a forged or altered one is refused
before any lookup, see events.feed_tokens) and revocable (a new nonce invalidates every
earlier URL)."""

from __future__ import annotations

from django.db import transaction

from events.models import CalendarFeed
from events.models.registrations import new_feed_nonce
from members.models import User


@transaction.atomic
def create_calendar_feed(*, member: User) -> CalendarFeed:
    """The member's feed, made on first request. Idempotent."""
    feed, _ = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, member: User) -> CalendarFeed:
    """A new URL for the member's feed; every earlier URL stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(member=member)
    if not created:
        feed.nonce = new_feed_nonce()
        feed.save(update_fields=["nonce"])
    return feed
