"""Celery entry points of events. Each hands its ids to one service and returns; every one
is idempotent (state checks, row locks and the Delivery ledger), so a retry, a twin or a
late run sends nothing twice."""

from __future__ import annotations

from celery import shared_task

from events.services.endings import finish_due_events
from events.services.mailing import send_event_emails, send_registration_email
from events.services.registrations import expire_due_offers
from events.services.reminders import send_event_reminders, sweep_due_reminders


@shared_task
def sweep_due_reminders_task() -> int:
    """Beat, every minute: fan out the reminders now due (see services.reminders)."""
    return sweep_due_reminders()


@shared_task
def expire_due_offers_task() -> int:
    """Beat, every minute: withdraw unclaimed seat offers and pass each seat on."""
    return expire_due_offers()


@shared_task
def finish_due_events_task() -> int:
    """Beat, every minute: finish events that ended (posting AMA recaps)."""
    return finish_due_events()


@shared_task
def send_event_reminders_task(
    event_id: int, offset: str, starts_at: str, member_ids: list[int]
) -> int:
    """Remind a chunk of members of one event (each once: Reminder rows and the ledger)."""
    return send_event_reminders(
        event_id=event_id, offset=offset, starts_at=starts_at, member_ids=member_ids
    )


@shared_task
def send_registration_email_task(registration_id: int, message: str, stamp: str) -> bool:
    """Email one member about their registration, if it is still as `stamp` says."""
    return send_registration_email(registration_id=registration_id, message=message, stamp=stamp)


@shared_task
def send_event_emails_task(event_id: int, message: str, stamp: str, member_ids: list[int]) -> int:
    """Email a chunk of registrants about a change, a cancellation or the recording."""
    return send_event_emails(event_id=event_id, message=message, stamp=stamp, member_ids=member_ids)
