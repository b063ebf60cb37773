"""Reads owned by core."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from core.models import Delivery

OUTBOX_LIST_FIELDS = ("id", "to_email", "kind", "subject", "status", "created_at", "sent_at")
OUTBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxFilters:
    """What narrows the outbox: part of the recipient's address, a kind, a status."""

    recipient: str = ""
    kind: str = ""
    status: str = ""

    @property
    def is_narrowed(self) -> bool:
        return bool(self.recipient or self.kind or self.status)


@dataclass(frozen=True)
class OutboxScreen:
    """The staff outbox: one page of messages and the choices of the filter form."""

    page: Page[Delivery]
    filters: OutboxFilters
    kinds: list[str]
    statuses: list[tuple[str, str]]


def list_deliveries(filters: OutboxFilters | None = None) -> QuerySet[Delivery]:
    """Every message Hearth queued (narrowed by `filters`), newest first, without the
    (large) bodies."""
    deliveries = Delivery.objects.only(*OUTBOX_LIST_FIELDS).order_by("-created_at", "-id")
    if filters is None:
        return deliveries
    if filters.recipient:
        deliveries = deliveries.filter(to_email__icontains=filters.recipient)
    if filters.kind:
        deliveries = deliveries.filter(kind=filters.kind)
    if filters.status:
        deliveries = deliveries.filter(status=filters.status)
    return deliveries


def get_outbox_screen(*, filters: OutboxFilters, page: str | int | None) -> OutboxScreen:
    """Page `page` of the outbox narrowed by `filters`: the count, the page, and the kinds
    of message ever queued (for the filter). Three queries."""
    return OutboxScreen(
        page=Paginator(list_deliveries(filters), OUTBOX_PAGE_SIZE).get_page(page),
        filters=filters,
        kinds=list(Delivery.objects.order_by("kind").values_list("kind", flat=True).distinct()),
        statuses=list(Delivery.Status.choices),
    )


def get_delivery(*, delivery_id: int) -> Delivery:
    """One message of the outbox, bodies included. Raises Delivery.DoesNotExist."""
    return Delivery.objects.get(pk=delivery_id)
