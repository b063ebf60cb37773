"""Reminders, 24 hours and 1 hour before an event, exactly once per member.

Beat runs sweep_due_reminders every minute. For each published event whose reminder is
due (and whose next one is not due yet: a late sweeper sends the latest, never a stale
"tomorrow"), it claims the run for that event, offset and start time (a ReminderRun row:
a conditional UPDATE, so two sweepers never fan out the same run at once), and hands the
members not yet reminded to workers in chunks of REMINDER_CHUNK.

A chunk records one Reminder row per member (unique per event, offset, start time and
member) and queues the emails in core's Delivery ledger (unique per member, kind and key),
in one transaction. So a chunk run twice, by two workers at once, or again after a worker
died mid-batch sends each email once; a chunk lost on the way is found by the sweeper,
which fans out again whoever is still missing once a run has been quiet for
STALLED_RUN_AFTER, and marks the run complete when nobody is.

Who is reminded: members with a seat confirmed by the reminder's due time (a later
registrant gets no stale reminder), never after the start, never the waitlist (at the
24-hour mark members still waiting get a "still waiting" note instead), never for a start
that moved since (the chunk finds a different start and stops; the new start has runs of
its own: moving a start re-arms the reminders).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.queueing import enqueue_on_commit
from core.services import queue_emails
from events.models import Event, Registration, Reminder, ReminderRun
from events.notifications import REMINDER
from events.services.messages import Calendars, Message, event_email, wanting_email

#: offset -> (how long before the start it is due, when the next offset takes over).
OFFSETS: dict[str, tuple[timedelta, timedelta]] = {
    ReminderRun.Offset.DAY: (timedelta(hours=24), timedelta(hours=1)),
    ReminderRun.Offset.HOUR: (timedelta(hours=1), timedelta(0)),
}
REMINDER_CHUNK = 500
#: A run whose fan-out has been quiet this long is checked for members still missing.
STALLED_RUN_AFTER = timedelta(minutes=10)


def due_time(offset: str, starts_at: datetime) -> datetime:
    """When the `offset` reminder of an event starting at `starts_at` is due."""
    return starts_at - OFFSETS[offset][0]


def reminder_key(event_id: int, offset: str, starts_at: datetime) -> str:
    """The Delivery ledger key of one reminder (per member by the ledger's own unique)."""
    return f"event:{event_id}:reminder:{offset}:{starts_at.isoformat()}"


def _recipients(event_id: int, offset: str, starts_at: datetime) -> QuerySet[Registration]:
    """Registrations owed this reminder (or, at 24 hours, the still-waiting note), reminded
    or not."""
    due = due_time(offset, starts_at)
    owed = Q(status__in=Registration.HAS_SEAT, confirmed_at__lte=due)
    if offset == ReminderRun.Offset.DAY:
        owed |= Q(status=Registration.Status.WAITLISTED, waitlisted_at__lte=due)
    return Registration.objects.filter(owed, event_id=event_id)


def unreminded_member_ids(event_id: int, offset: str, starts_at: datetime) -> list[int]:
    """The members owed this reminder who have not had it, in id order. One query."""
    reminded = Reminder.objects.filter(
        event_id=event_id, offset=offset, starts_at=starts_at
    ).values("member_id")
    return list(
        _recipients(event_id, offset, starts_at)
        .exclude(member_id__in=reminded)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )


def sweep_due_reminders(*, now: datetime | None = None) -> int:
    """Beat, every minute: fan out every due reminder run (see the module). Returns how
    many members it handed to workers. Safe to run as often as you like, concurrently."""
    now = now or timezone.now()
    handed = 0
    for offset, (before, next_before) in OFFSETS.items():
        due_events = list(
            Event.objects.filter(
                status=Event.Status.PUBLISHED,
                starts_at__lte=now + before,
                starts_at__gt=now + next_before,
            ).values_list("pk", "starts_at", "schedule_changed_at")
        )
        for event_id, starts_at, changed_at in due_events:
            if changed_at is not None and changed_at > starts_at - before:
                continue  # moved after this reminder was due: the change email told them
            handed += _fan_out_run(event_id, offset, starts_at, now)
    return handed


def _run(event_id: int, offset: str, starts_at: datetime) -> ReminderRun:
    try:
        with transaction.atomic():
            run, _ = ReminderRun.objects.get_or_create(
                event_id=event_id, offset=offset, starts_at=starts_at
            )
    except IntegrityError:  # another sweeper created it between our read and write
        run = ReminderRun.objects.get(event_id=event_id, offset=offset, starts_at=starts_at)
    return run


def _fan_out_run(event_id: int, offset: str, starts_at: datetime, now: datetime) -> int:
    from events.tasks import send_event_reminders_task

    run = _run(event_id, offset, starts_at)
    if run.completed_at is not None:
        return 0
    claimed = (
        ReminderRun.objects.filter(pk=run.pk, completed_at__isnull=True)
        .filter(Q(fanned_out_at__isnull=True) | Q(fanned_out_at__lt=now - STALLED_RUN_AFTER))
        .update(fanned_out_at=now)
    )
    if not claimed:
        return 0  # another sweeper has it, or its chunks are still being worked on
    missing = unreminded_member_ids(event_id, offset, starts_at)
    if not missing:
        ReminderRun.objects.filter(pk=run.pk).update(completed_at=now)
        return 0
    if run.recipient_count == 0:
        ReminderRun.objects.filter(pk=run.pk).update(recipient_count=len(missing))
    for start in range(0, len(missing), REMINDER_CHUNK):
        enqueue_on_commit(
            send_event_reminders_task,
            event_id,
            offset,
            starts_at.isoformat(),
            missing[start : start + REMINDER_CHUNK],
        )
    return len(missing)


@transaction.atomic
def send_event_reminders(
    *,
    event_id: int,
    offset: str,
    starts_at: str,
    member_ids: list[int],
    now: datetime | None = None,
) -> int:
    """Remind the given members of one event (a chunk handed out by the sweeper), each
    once: a Reminder row per member and the emails in the Delivery ledger, in one
    transaction. Nothing when the event is no longer published, its start moved, or it has
    started. Members who turned reminder emails off are recorded, not emailed. Returns how
    many emails it queued."""
    now = now or timezone.now()
    start = datetime.fromisoformat(starts_at)
    event = Event.objects.filter(pk=event_id).first()
    if (
        event is None
        or event.status != Event.Status.PUBLISHED
        or event.starts_at != start
        or now >= start
        or offset not in OFFSETS
    ):
        return 0
    reminded = Reminder.objects.filter(event=event, offset=offset, starts_at=start).values(
        "member_id"
    )
    registrations = list(
        _recipients(event_id, offset, start)
        .filter(member_id__in=member_ids)
        .exclude(member_id__in=reminded)
        .select_related("member")
        .order_by("member_id")
    )
    if not registrations:
        return 0
    members = [registration.member for registration in registrations]
    emailed = wanting_email(members, REMINDER)
    Reminder.objects.bulk_create(
        [
            Reminder(
                event=event,
                member=registration.member,
                offset=offset,
                starts_at=start,
                is_waitlist_note=not registration.has_seat,
                is_emailed=registration.member_id in emailed,
                created_at=now,
            )
            for registration in registrations
        ],
        ignore_conflicts=True,  # a twin chunk got there first: the ledger holds the line
    )
    calendars = Calendars.of(event)
    key = reminder_key(event.pk, offset, start)
    messages = [
        event_email(
            member=registration.member,
            event=event,
            message=Message.REMINDER if registration.has_seat else Message.STILL_WAITING,
            key=key,
            registration=registration,
            calendar=calendars.for_seat if registration.has_seat else None,
            extra={"offset": offset},
            now=now,
        )
        for registration in registrations
        if registration.member_id in emailed
    ]
    queue_emails(messages)
    return len(messages)
