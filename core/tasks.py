"""Celery entry points of core. Each hands its ids to one service."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from core.models import Delivery
from core.services import requeue_stalled_deliveries, send_deliveries, send_delivery


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_delivery_task(delivery_id: int) -> bool:
    """Send one Delivery. Idempotent: a second run finds the row no longer pending."""
    return send_delivery(delivery_id=delivery_id)


@shared_task
def send_deliveries_task(delivery_ids: list[int]) -> int:
    """Send a batch of Deliveries over one connection. Idempotent: rows already claimed or
    sent are skipped; a failed message goes back to pending for the sweeper."""
    return send_deliveries(delivery_ids=delivery_ids)


@shared_task
def requeue_stalled_deliveries_task() -> int:
    """Sweeper (beat, every 5 minutes): re-enqueue deliveries whose task was lost."""
    return requeue_stalled_deliveries()


@shared_task
def ping_task(value: str) -> str:
    """A no-op round trip, used by operators and tests to prove a worker consumes the queue."""
    return value


__all__ = [
    "Delivery",
    "ping_task",
    "requeue_stalled_deliveries_task",
    "send_deliveries_task",
    "send_delivery_task",
]
