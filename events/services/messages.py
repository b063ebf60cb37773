"""Emails about events, one per recipient (never BCC), each in the member's own time zone,
through members' send path: the member's choice for the kind, one-click unsubscribe, and
core's Delivery ledger under a key that makes a retried, raced or repeated task send
nothing twice. Seat holders' emails carry the join link and the calendar entry; the
waitlist's never carry the link.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.services import Attachment, OutgoingEmail
from events import ical, notifications
from events.models import Event, Registration
from events.times import moment_label, time_range_label, until_label, zone_named
from members.models import EmailMode, User
from members.notifications.emails import member_email
from members.notifications.services import email_choices


class Message(StrEnum):
    """What an event email says."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    PROMOTED = "promoted"
    OFFER_EXPIRED = "offer_expired"
    REMINDER = "reminder"
    STILL_WAITING = "still_waiting"
    MOVED = "moved"
    UPDATED = "updated"
    CANCELLED = "cancelled"
    RECORDING = "recording"


#: The member's choice for this notification kind decides whether each message is emailed.
KIND_OF = {
    Message.REGISTERED: notifications.REGISTRATION,
    Message.WAITLISTED: notifications.REGISTRATION,
    Message.OFFERED: notifications.SEAT,
    Message.PROMOTED: notifications.SEAT,
    Message.OFFER_EXPIRED: notifications.SEAT,
    Message.REMINDER: notifications.REMINDER,
    Message.STILL_WAITING: notifications.REMINDER,
    Message.MOVED: notifications.CHANGE,
    Message.UPDATED: notifications.CHANGE,
    Message.CANCELLED: notifications.CHANGE,
    Message.RECORDING: notifications.RECORDING,
}

CALENDAR_FILENAME = "event.ics"


def absolute(path: str) -> str:
    """A path on this site as a full URL."""
    site: str = settings.SITE_URL
    return site.rstrip("/") + path


def calendar_attachment(content: bytes) -> Attachment:
    """A calendar entry as an email attachment."""
    return Attachment(
        filename=CALENDAR_FILENAME, content=content.decode(), mimetype="text/calendar"
    )


@dataclasses.dataclass(frozen=True)
class Calendars:
    """The calendar entries of one event, built once per batch of emails: the seat
    holders' (with the join link) and the waitlist's (tentative, no link)."""

    for_seat: bytes
    for_waitlist: bytes

    @classmethod
    def of(cls, event: Event) -> Calendars:
        cancelled = event.status == Event.Status.CANCELLED
        return cls(
            for_seat=ical.event_calendar(event, join_url="" if cancelled else event.join_url),
            for_waitlist=ical.event_calendar(event, tentative=True),
        )

    def for_registration(self, registration: Registration | None) -> bytes:
        if registration is not None and registration.has_seat:
            return self.for_seat
        return self.for_waitlist


def wanting_email(members: Iterable[User], kind: str) -> set[int]:
    """The ids of the active members among `members` who take `kind` by email (one query)."""
    active = [member.pk for member in members if member.is_active]
    choices = email_choices(member_ids=active, kind=kind)
    return {pk for pk, (mode, _) in choices.items() if mode != EmailMode.NEVER}


def event_email(
    *,
    member: User,
    event: Event,
    message: Message,
    key: str,
    registration: Registration | None = None,
    calendar: bytes | None = None,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> OutgoingEmail:
    """One email about `event` to `member`, its times in the member's zone. The join link
    is in it only when the registration holds a seat and the event is not cancelled."""
    now = now or timezone.now()
    zone = member.zone
    has_seat = registration is not None and registration.has_seat
    shows_join = has_seat and event.status != Event.Status.CANCELLED and bool(event.join_url)
    join_url = event.join_url if shows_join else ""
    context: dict[str, Any] = {
        "event": event,
        "message": str(message),
        "registration": registration,
        "when": time_range_label(event.starts_at, event.ends_at, zone),
        "when_event_zone": time_range_label(
            event.starts_at, event.ends_at, zone_named(event.time_zone)
        ),
        "shows_event_zone": zone_named(event.time_zone).key != getattr(zone, "key", ""),
        "until": until_label(event.starts_at, now),
        "event_url": absolute(event.get_absolute_url()),
        "join_url": join_url,
        "google_url": ical.google_calendar_url(event, join_url=join_url),
        "has_calendar": calendar is not None,
        **(extra or {}),
    }
    if registration is not None and registration.offer_expires_at:
        context["offer_deadline"] = moment_label(registration.offer_expires_at, zone)
        context["offer_left"] = until_label(registration.offer_expires_at, now)
    with timezone.override(zone):
        email = member_email(
            member=member,
            kind=KIND_OF[message],
            template="event",
            context=context,
            key=key,
            scope=notifications.event_scope(event.pk),
        )
    if calendar is not None:
        email = dataclasses.replace(email, attachments=(calendar_attachment(calendar),))
    return email


def event_path(event: Event, name: str) -> str:
    """The absolute URL of one of the event's pages by URL name (claim, rate…)."""
    return absolute(reverse(name, args=[event.pk]))
