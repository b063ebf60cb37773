"""Registering, cancelling, the waitlist and its seat offers.

Every change to an event's seats happens under a lock on the event's row (select_for_update),
so registrations, cancellations, claims, declines and expiries of one event queue up
behind each other, and arrival order is the order they take the lock. Seats taken are
counted on the event (held_seat_count, kept with F()); a check constraint refuses a count
above the capacity, so even a bug here cannot overbook. One row per member and event
(a unique constraint) makes registering twice harmless; waitlist positions are unique.

A freed seat goes to the first member waiting: offered with a claim window (24 hours by
default, never longer than half the time left, at least an hour), or, inside the last two
hours, confirmed straight away. A declined or expired offer passes to the next in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.queueing import enqueue_on_commit
from events import notifications, policies
from events.exceptions import (
    NotAllowedError,
    OfferExpiredError,
    RegistrationClosedError,
    RegistrationStateError,
)
from events.models import Event, Registration
from events.services.messages import Message
from members.models import User
from members.notifications.services import notify
from members.policies import ensure_not_suspended, is_member

#: A freed seat's claim window, before the limits below.
DEFAULT_CLAIM_WINDOW = timedelta(hours=24)
MINIMUM_CLAIM_WINDOW = timedelta(hours=1)
#: Inside this much of the start, the next in line is confirmed directly (no time to claim).
DIRECT_CONFIRMATION_WINDOW = timedelta(hours=2)


def claim_window(now: datetime, starts_at: datetime) -> timedelta:
    """How long an offered seat waits: 24 hours, never longer than half the time left
    before the start, at least an hour."""
    return max(MINIMUM_CLAIM_WINDOW, min(DEFAULT_CLAIM_WINDOW, (starts_at - now) / 2))


@dataclass(frozen=True)
class RegistrationResult:
    """The member's registration after a request, and whether the request changed it."""

    registration: Registration
    changed: bool


def _locked_visible_event(*, member: User, event_id: int) -> Event:
    """The event's row, locked. Raises Event.DoesNotExist when the member may not see it."""
    visible = policies.visible_events(member).filter(pk=event_id)
    # Lock only the event's row: the access filter joins tiers (nullable: PostgreSQL refuses
    # FOR UPDATE there), so it stays a subquery.
    return Event.objects.select_for_update().get(pk__in=visible.values("pk"))


def _send_after_commit(registration: Registration, message: Message, stamp: datetime) -> None:
    from events.tasks import send_registration_email_task

    enqueue_on_commit(
        send_registration_email_task, registration.pk, str(message), stamp.isoformat()
    )


def _tell_in_app(registration: Registration, kind: str, key: str) -> None:
    notify(
        recipients=[registration.member_id],
        kind=kind,
        actor_id=None,
        target_type="event",
        target_id=registration.event_id,
        key=key,
        scope=notifications.event_scope(registration.event_id),
        sends_own_email=True,
    )


def _take_seat(event: Event, count: int = 1) -> None:
    Event.objects.filter(pk=event.pk).update(held_seat_count=F("held_seat_count") + count)
    event.held_seat_count += count


def _free_seat(event: Event, count: int = 1) -> None:
    Event.objects.filter(pk=event.pk).update(held_seat_count=F("held_seat_count") - count)
    event.held_seat_count -= count


def _next_waitlist_position(event: Event) -> int:
    Event.objects.filter(pk=event.pk).update(waitlist_sequence=F("waitlist_sequence") + 1)
    event.waitlist_sequence += 1
    return event.waitlist_sequence


def _has_free_seat(event: Event) -> bool:
    return event.capacity is None or event.held_seat_count < event.capacity


@transaction.atomic
def register_for_event(*, event_id: int, member: User) -> RegistrationResult:
    """Register in one click: a seat while there are seats, else a place at the end of the
    waitlist. Idempotent: registering again returns the registration as it is.

    Raises Event.DoesNotExist (an event the member may not see), RegistrationClosedError
    (not open to the member now: not yet, early access for a higher tier, closed, started,
    cancelled), RegistrationStateError (a host). Sends the confirmation or the waitlist
    note after commit.
    """
    ensure_not_suspended(member)
    if not is_member(member):
        raise NotAllowedError("Verify your email address before you register.")
    event = _locked_visible_event(member=member, event_id=event_id)
    now = timezone.now()  # after the lock: the order members are served in
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is not None and registration.is_active:
        return RegistrationResult(registration=registration, changed=False)
    if event.hosts.filter(pk=member.pk).exists():
        raise RegistrationStateError("You're hosting this event: no need to register.")
    is_open, why = policies.registration_window_open(member, event, now)
    if not is_open:
        raise RegistrationClosedError(why)
    registration = registration or Registration(event=event, member=member)
    registration.registered_at = now
    registration.ending = ""
    registration.cancelled_at = None
    registration.offered_at = registration.offer_expires_at = None
    if _has_free_seat(event):
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.waitlisted_at = None
        registration.waitlist_position = None
        _take_seat(event)
        message = Message.REGISTERED
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.confirmed_at = None
        registration.waitlisted_at = now
        registration.waitlist_position = _next_waitlist_position(event)
        message = Message.WAITLISTED
    registration.save()
    _send_after_commit(registration, message, now)
    return RegistrationResult(registration=registration, changed=True)


@transaction.atomic
def cancel_registration(*, event_id: int, member: User) -> RegistrationResult:
    """Cancel in one click: a seat goes to the next in line; a place in the waitlist is
    given up; an offer is declined. Idempotent: cancelling again changes nothing.

    Raises Event.DoesNotExist, Registration.DoesNotExist (never registered),
    RegistrationStateError (the event has started, or the member attended).
    """
    event = _locked_visible_event(member=member, event_id=event_id)
    now = timezone.now()
    registration = Registration.objects.get(event=event, member=member)
    if not registration.is_active:
        return RegistrationResult(registration=registration, changed=False)
    if registration.status == Registration.Status.ATTENDED:
        raise RegistrationStateError("You attended this event; there is nothing to cancel.")
    if now >= event.starts_at and event.status == Event.Status.PUBLISHED:
        raise RegistrationStateError("The event has started; registrations can't change now.")
    ending = (
        Registration.Ending.DECLINED
        if registration.status == Registration.Status.OFFERED
        else Registration.Ending.MEMBER
    )
    _end(event, registration, ending=ending, now=now)
    fill_free_seats(event=event, now=now)
    return RegistrationResult(registration=registration, changed=True)


def _end(event: Event, registration: Registration, *, ending: str, now: datetime) -> None:
    """End an active registration, freeing its seat (the caller fills it)."""
    held = registration.status in Registration.HOLDS_SEAT
    registration.status = Registration.Status.CANCELLED
    registration.ending = ending
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "ending", "cancelled_at", "offer_expires_at"])
    if held:
        _free_seat(event)


def fill_free_seats(*, event: Event, now: datetime) -> list[Registration]:
    """Give the event's free seats to the first members waiting, in order: an offer with a
    claim window, or inside the last two hours a confirmed seat. The caller holds the
    event's row lock. Nothing after the start, or on an event not published. Tells each
    member in the app now and by email after commit. Returns the registrations changed."""
    if event.status != Event.Status.PUBLISHED or now >= event.starts_at:
        return []
    waiting = Registration.objects.filter(
        event=event, status=Registration.Status.WAITLISTED
    ).order_by("waitlist_position")
    if event.capacity is not None:
        free = event.capacity - event.held_seat_count
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    if not promoted:
        return []
    direct = now >= event.starts_at - DIRECT_CONFIRMATION_WINDOW
    expires_at = now + claim_window(now, event.starts_at)
    for registration in promoted:
        if direct:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
        else:
            registration.status = Registration.Status.OFFERED
            registration.offered_at = now
            registration.offer_expires_at = expires_at
        registration.save(
            update_fields=["status", "confirmed_at", "offered_at", "offer_expires_at"]
        )
        message = Message.PROMOTED if direct else Message.OFFERED
        _tell_in_app(
            registration,
            notifications.SEAT,
            key=f"event:{event.pk}:{message}:{registration.pk}:{now.isoformat()}",
        )
        _send_after_commit(registration, message, now)
    _take_seat(event, len(promoted))
    return promoted


def claim_offer(*, event_id: int, member: User) -> Registration:
    """Take the seat offered from the waitlist: confirmed, with the join link.

    Raises Event.DoesNotExist, Registration.DoesNotExist, RegistrationStateError (no offer
    open), OfferExpiredError (too late: the offer is withdrawn and passed on, and that is
    committed before the error is raised). Idempotent for a seat already claimed.
    """
    ensure_not_suspended(member)
    with transaction.atomic():
        event = _locked_visible_event(member=member, event_id=event_id)
        now = timezone.now()
        registration = Registration.objects.get(event=event, member=member)
        if registration.has_seat:
            return registration
        if registration.status != Registration.Status.OFFERED:
            raise RegistrationStateError("There is no seat offered to you to claim.")
        if event.status != Event.Status.PUBLISHED or now >= event.starts_at:
            raise RegistrationStateError("This event is not taking registrations.")
        expired = registration.offer_expires_at is None or registration.offer_expires_at <= now
        if expired:
            _expire(event, registration, now)
        else:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            _send_after_commit(registration, Message.REGISTERED, now)
    if expired:
        raise OfferExpiredError(
            "Sorry: the seat was held for you until the offer ran out, and has gone to the "
            "next person waiting. You can join the waitlist again."
        )
    return registration


@transaction.atomic
def decline_offer(*, event_id: int, member: User) -> Registration:
    """Give back the seat offered from the waitlist; it goes to the next in line.

    Raises Event.DoesNotExist, Registration.DoesNotExist, RegistrationStateError (no offer
    open). Idempotent: declining again changes nothing.
    """
    event = _locked_visible_event(member=member, event_id=event_id)
    now = timezone.now()
    registration = Registration.objects.get(event=event, member=member)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if registration.status != Registration.Status.OFFERED:
        raise RegistrationStateError("There is no seat offered to you to decline.")
    _end(event, registration, ending=Registration.Ending.DECLINED, now=now)
    fill_free_seats(event=event, now=now)
    return registration


def _expire(event: Event, registration: Registration, now: datetime) -> None:
    _end(event, registration, ending=Registration.Ending.EXPIRED, now=now)
    _send_after_commit(registration, Message.OFFER_EXPIRED, now)
    fill_free_seats(event=event, now=now)


def expire_due_offers(*, now: datetime | None = None) -> int:
    """Beat, every minute: withdraw the offers not claimed in time and pass each seat to
    the next in line, one event at a time under its lock. Returns how many expired.
    Running it twice, or beside a claim, expires each offer once (the lock and the
    status decide)."""
    now = now or timezone.now()
    event_ids = list(
        Registration.objects.filter(status=Registration.Status.OFFERED, offer_expires_at__lte=now)
        .order_by()
        .values_list("event_id", flat=True)
        .distinct()
    )
    return sum(_expire_offers_of(event_id, now) for event_id in event_ids)


@transaction.atomic
def _expire_offers_of(event_id: int, now: datetime) -> int:
    event = Event.objects.select_for_update().get(pk=event_id)
    due = list(
        Registration.objects.filter(
            event=event, status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).order_by("waitlist_position")
    )
    for registration in due:
        _expire(event, registration, now)
    return len(due)


def release_registrations_of(member: User) -> None:
    """Account deletion step (inside the deletion transaction, before the member's row
    goes): give back every seat the member holds, each under its event's lock, so the
    counter stays true and the next in line is offered the seat."""
    now = timezone.now()
    event_ids = sorted(
        Registration.objects.filter(member=member, status__in=Registration.HOLDS_SEAT)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in event_ids:
        event = Event.objects.select_for_update().get(pk=event_id)
        registration = Registration.objects.get(event=event, member=member)
        _end(event, registration, ending=Registration.Ending.MEMBER, now=now)
        fill_free_seats(event=event, now=now)
