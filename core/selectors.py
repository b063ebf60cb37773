"""Reads owned by core."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import Delivery

OUTBOX_LIST_FIELDS = ("id", "to_email", "kind", "subject", "status", "created_at", "sent_at")


def list_deliveries() -> QuerySet[Delivery]:
    """Every message Hearth queued, newest first, without the (large) bodies."""
    return Delivery.objects.only(*OUTBOX_LIST_FIELDS).order_by("-created_at", "-id")


def get_delivery(*, delivery_id: int) -> Delivery:
    """One message of the outbox, bodies included. Raises Delivery.DoesNotExist."""
    return Delivery.objects.get(pk=delivery_id)
