"""Sending the emails the other event services schedule: one member's registration news,
and the fan-out of a change, a cancellation or the recording to everyone registered.

Each send re-reads the state it reports and stays quiet when it no longer holds (a
registration that changed again, a change superseded by a newer one), and is keyed in the
Delivery ledger, so a task run twice or late sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.services import queue_emails
from events import notifications
from events.models import Event, Registration
from events.selectors.event_page import waitlist_place
from events.services.messages import (
    KIND_OF,
    Calendars,
    Message,
    event_email,
    event_path,
    wanting_email,
)
from members.notifications.services import notify


def _matches(registration: Registration, message: Message, stamp: datetime) -> bool:
    """Whether the registration is still in the state `message` reports (since `stamp`)."""
    status = registration.status
    if message in (Message.REGISTERED, Message.PROMOTED):
        return status in Registration.HAS_SEAT and registration.confirmed_at == stamp
    if message == Message.WAITLISTED:
        return status == Registration.Status.WAITLISTED and registration.waitlisted_at == stamp
    if message == Message.OFFERED:
        return status == Registration.Status.OFFERED and registration.offered_at == stamp
    if message == Message.OFFER_EXPIRED:
        return (
            status == Registration.Status.CANCELLED
            and registration.ending == Registration.Ending.EXPIRED
            and registration.cancelled_at == stamp
        )
    return False


@transaction.atomic
def send_registration_email(*, registration_id: int, message: str, stamp: str) -> bool:
    """Email one member about their registration: seat confirmed (join link, calendar
    entry), on the waitlist (their place), a seat offered (claim by when), confirmed from
    the waitlist, or the offer ran out. Nothing when the registration has moved on since
    `stamp`, the event is cancelled, or the member turned the kind off. Returns whether
    it queued an email."""
    kind = Message(message)
    moment = datetime.fromisoformat(stamp)
    registration = (
        Registration.objects.select_related("event", "member").filter(pk=registration_id).first()
    )
    if registration is None or not _matches(registration, kind, moment):
        return False
    event, member = registration.event, registration.member
    if event.status == Event.Status.CANCELLED:
        return False
    if member.pk not in wanting_email([member], KIND_OF[kind]):
        return False
    calendars = Calendars.of(event) if kind in (Message.REGISTERED, Message.PROMOTED) else None
    email = event_email(
        member=member,
        event=event,
        message=kind,
        key=f"event:{event.pk}:{kind}:{registration.pk}:{stamp}",
        registration=registration,
        calendar=calendars.for_seat if calendars else None,
        extra={
            "place": waitlist_place(registration),
            "claim_url": event_path(event, "events:claim"),
        },
    )
    queue_emails([email])
    return True


@transaction.atomic
def send_event_emails(
    *, event_id: int, message: str, stamp: str, member_ids: list[int], now: datetime | None = None
) -> int:
    """Email a chunk of registrants about a change to the event ("moved", "updated",
    "cancelled": `stamp` is the event's SEQUENCE then, and a newer change supersedes it)
    or its recording (`stamp` "1": once), and tell them in the app. Seat holders get the
    join link (unless cancelled) and the calendar entry; the waitlist a tentative one.
    Returns how many emails it queued."""
    kind = Message(message)
    now = now or timezone.now()
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    if kind != Message.RECORDING and str(event.sequence) != stamp:
        return 0  # a newer change went out after this one; it tells everyone the latest
    registrations = list(
        Registration.objects.filter(
            event=event, member_id__in=member_ids, status__in=Registration.ACTIVE
        )
        .select_related("member")
        .order_by("member_id")
    )
    if not registrations:
        return 0
    key = f"event:{event.pk}:{kind}:{stamp}"
    notify(
        recipients=[r.member_id for r in registrations],
        kind=KIND_OF[kind],
        actor_id=None,
        target_type="event",
        target_id=event.pk,
        key=key,
        scope=notifications.event_scope(event.pk),
        sends_own_email=True,
    )
    emailed = wanting_email([r.member for r in registrations], KIND_OF[kind])
    calendars = Calendars.of(event) if kind != Message.RECORDING else None
    messages = [
        event_email(
            member=registration.member,
            event=event,
            message=kind,
            key=key,
            registration=registration,
            calendar=calendars.for_registration(registration) if calendars else None,
            extra={
                "attended": registration.status == Registration.Status.ATTENDED,
                "rate_url": event_path(event, "events:rate"),
            },
            now=now,
        )
        for registration in registrations
        if registration.member_id in emailed
    ]
    queue_emails(messages)
    return len(messages)
