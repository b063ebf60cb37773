"""Celery entry points of members. Each hands its ids to one service."""

from __future__ import annotations

from datetime import date, datetime

from celery import shared_task

from members.celebrations.services import celebrate_members, sweep_due_celebrations
from members.loyalty.tiers import run_nightly
from members.notifications.digest import send_digests, sweep_due_digests
from members.notifications.emails import (
    send_notification_emails,
    sweep_due_notification_emails,
)
from members.referrals.tasks import (  # noqa: F401  # imported so Celery registers them
    activate_referral_task,
    sweep_due_referral_activations_task,
)


@shared_task
def sweep_due_notification_emails_task() -> int:
    """Beat, every minute: hand notifications whose email window passed to send tasks."""
    return sweep_due_notification_emails()


@shared_task
def send_notification_emails_task(notification_ids: list[int]) -> int:
    """Email a chunk of due notifications (idempotent: each row is claimed once)."""
    return send_notification_emails(notification_ids=notification_ids)


@shared_task
def sweep_due_digests_task() -> int:
    """Beat, every 15 minutes: hand members whose digest morning has come to send tasks."""
    return sweep_due_digests()


@shared_task
def send_digests_task(member_ids: list[int], period_start: str, now: str) -> int:
    """Send a chunk of digests as of the sweep's moment `now` (ISO 8601). Idempotent: one
    per member and period, by the ledger."""
    return send_digests(
        member_ids=member_ids, period_start=period_start, now=datetime.fromisoformat(now)
    )


@shared_task
def sweep_due_celebrations_task() -> int:
    """Beat, every 15 minutes: hand members whose anniversary or birthday morning it is
    (in their own time zone) to celebrate tasks."""
    return sweep_due_celebrations()


@shared_task
def celebrate_task(member_ids: list[int], kind: str, on_date: str) -> int:
    """Greet a chunk of members for their anniversary or birthday on their local date
    `on_date` (ISO). Idempotent: once per member, kind and year."""
    return celebrate_members(member_ids=member_ids, kind=kind, on_date=date.fromisoformat(on_date))


@shared_task
def refresh_loyalty_task() -> tuple[int, int]:
    """Beat, nightly: end due tier grants, apply the tier rules (promotions, demotion
    warnings, demotions) and award the badges members reached. Idempotent: a second run
    changes nothing."""
    return run_nightly()
