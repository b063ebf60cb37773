"""Check-in and afterwards: hosts mark who came (or members enter the event's code during
it), attendance is handed to loyalty once, and attendees rate the event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.params import without_control_characters
from events import policies
from events.exceptions import CheckInError, InvalidRatingError, NotAllowedError
from events.models import Event, Rating, Registration
from members.loyalty import ledger
from members.loyalty.models import Verb
from members.models import User
from members.policies import ensure_not_suspended
from members.referrals.models import Referral
from members.referrals.services import note_community_act

MAX_COMMENT_LENGTH = 1000


def _visible_event(viewer: User, event_id: int) -> Event:
    return policies.visible_events(viewer).prefetch_related("hosts").get(pk=event_id)


def _credit_attendance(registration: Registration) -> bool:
    """Hand one attendance to the loyalty ledger, exactly once: the conditional UPDATE on
    attendance_credited_at claims it, so a second check-in, a double click or two hosts at
    once credit nothing more; the claim and the ledger entry commit together. Returns
    whether this call claimed it."""
    now = timezone.now()
    claimed = Registration.objects.filter(
        pk=registration.pk, attendance_credited_at__isnull=True
    ).update(attendance_credited_at=now)
    if claimed:
        ledger.record(
            member_id=registration.member_id,
            verb=Verb.EVENT_ATTENDED,
            key=f"event_attended:{registration.pk}:{now.isoformat()}",
            subject_type="event",
            subject_id=registration.event_id,
        )
    return bool(claimed)


def _uncredit_attendance(registration: Registration, *, actor: User) -> bool:
    """Attendance taken back: release the claim and reverse the ledger entry, so marking
    the member attended again credits them again (once). Returns whether it was credited."""
    released = Registration.objects.filter(
        pk=registration.pk, attendance_credited_at__isnull=False
    ).update(attendance_credited_at=None)
    if released:
        ledger.reverse_matching(
            subject_type="event",
            subject_id=registration.event_id,
            verb=Verb.EVENT_ATTENDED,
            member_id=registration.member_id,
            reason="Attendance taken back",
            reversed_by_id=actor.pk,
        )
    return bool(released)


@transaction.atomic
def set_attendance(
    *, actor: User, event_id: int, registration_id: int, attended: bool
) -> Registration:
    """A host marks a registrant as attended (or takes it back). Attendance is credited in
    the loyalty ledger once while it stands; taking it back reverses the credit.

    Raises Event.DoesNotExist, NotAllowedError (not a host or staff),
    Registration.DoesNotExist (not a seat holder of this event), CheckInError (before the
    event: check-in opens 15 minutes before the start)."""
    event = _visible_event(actor, event_id)
    if not policies.can_run_event(actor, event):
        raise NotAllowedError("Only the event's hosts and staff check people in.")
    now = timezone.now()
    if now < event.starts_at - policies.CHECK_IN_OPENS_BEFORE:
        raise CheckInError("Check-in opens 15 minutes before the start.")
    registration = Registration.objects.select_for_update().get(
        pk=registration_id, event=event, status__in=Registration.HAS_SEAT
    )
    if attended and registration.status == Registration.Status.CONFIRMED:
        registration.status = Registration.Status.ATTENDED
        registration.attended_at = now
        registration.save(update_fields=["status", "attended_at"])
        if _credit_attendance(registration):
            note_community_act(member_id=registration.member_id, act=Referral.Act.EVENT_ATTENDED)
    elif not attended and registration.status == Registration.Status.ATTENDED:
        registration.status = Registration.Status.CONFIRMED
        registration.attended_at = None
        registration.save(update_fields=["status", "attended_at"])
        _uncredit_attendance(registration, actor=actor)
    return registration


@transaction.atomic
def check_in_with_code(*, event_id: int, member: User, code: str) -> Registration:
    """A confirmed registrant checks in by entering the code the hosts give out during
    the event (letter case and spaces ignored). Idempotent.

    Raises Event.DoesNotExist, Registration.DoesNotExist (not registered), CheckInError
    (outside the event, no seat, a wrong code; field "attendance_code")."""
    event = _visible_event(member, event_id)
    registration = Registration.objects.select_for_update().get(event=event, member=member)
    if registration.status == Registration.Status.ATTENDED:
        return registration
    now = timezone.now()
    if not policies.can_check_in_with_code(event, registration, now):
        raise CheckInError(
            "Check-in with the code is open to confirmed registrants during the event.",
            field="attendance_code",
        )
    typed = "".join(code.split()).upper()
    if typed != event.attendance_code.upper():
        raise CheckInError(
            "That is not this event's code. Check with the hosts.", field="attendance_code"
        )
    registration.status = Registration.Status.ATTENDED
    registration.attended_at = now
    registration.save(update_fields=["status", "attended_at"])
    if _credit_attendance(registration):  # an event attended activates a referral
        note_community_act(member_id=registration.member_id, act=Referral.Act.EVENT_ATTENDED)
    return registration


@transaction.atomic
def rate_event(*, event_id: int, member: User, score: int, comment: str = "") -> Rating:
    """An attendee's rating, 1 to 5 with an optional comment; rating again replaces it.

    Raises Event.DoesNotExist, NotAllowedError (did not attend), InvalidRatingError."""
    ensure_not_suspended(member)
    event = _visible_event(member, event_id)
    registration = Registration.objects.filter(event=event, member=member).first()
    now = timezone.now()
    if not policies.can_rate(event, registration, now):
        raise NotAllowedError("Only attendees rate an event, once it has started.")
    if not 1 <= score <= 5:
        raise InvalidRatingError("Rate from 1 to 5.", field="score")
    text = without_control_characters(comment).strip()
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidRatingError(
            f"Comments are limited to {MAX_COMMENT_LENGTH:,} characters.", field="comment"
        )
    rating, created = Rating.objects.get_or_create(
        event=event,
        member=member,
        defaults={"score": score, "comment": text, "created_at": now, "updated_at": now},
    )
    if not created:
        rating.score, rating.comment, rating.updated_at = score, text, now
        rating.save(update_fields=["score", "comment", "updated_at"])
    return rating
