"""Writes owned by core: the email Delivery ledger."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.models import Delivery
from core.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

#: A claim older than this is a worker that died mid-send; the sweeper releases it.
STALLED_CLAIM_AFTER = timedelta(minutes=15)
#: A pending row older than this lost its task (broker down at enqueue); enqueue it again.
LOST_PENDING_AFTER = timedelta(minutes=5)
MAX_SEND_ATTEMPTS = 6


def queue_email(
    *,
    to_email: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    kind: str,
    key: str,
    recipient_id: int | None = None,
) -> tuple[Delivery, bool]:
    """Record a message in the Delivery ledger and send it after commit, once.

    Idempotent on (recipient or address, kind, key): a second call returns the existing
    row and enqueues nothing. Returns (delivery, created). Schedules send_delivery_task.
    """
    from core.tasks import send_delivery_task  # tasks import services; break the cycle here

    lookup: dict[str, Any] = {"kind": kind, "key": key}
    if recipient_id is not None:
        lookup["recipient_id"] = recipient_id
    else:
        lookup.update(recipient__isnull=True, to_email=to_email)
    defaults = {
        "to_email": to_email,
        "subject": subject,
        "text_body": text_body,
        "html_body": html_body,
    }
    try:
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        # A concurrent caller inserted the same message between our read and write.
        return Delivery.objects.get(**lookup), False
    if created:
        enqueue_on_commit(send_delivery_task, delivery.pk)
    return delivery, created


def _render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """Render a .txt template without HTML escaping: a text email shows `<` as `<`."""
    template = get_template(template_name)
    # The Django backend's wrapper exposes the engine template as .template.
    engine_template = template.template  # type: ignore[attr-defined]
    return str(engine_template.render(Context(context, autoescape=False)))


def render_email(template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render email/<template>_subject.txt, _message.txt and (optional) _message.html."""
    ctx = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain_text(f"email/{template}_subject.txt", ctx).split())
    text_body = _render_plain_text(f"email/{template}_message.txt", ctx).strip()
    try:
        html_body = render_to_string(f"email/{template}_message.html", ctx).strip()
    except TemplateDoesNotExist:
        html_body = ""
    return subject, text_body, html_body


def send_templated_email(
    *,
    template: str,
    to_email: str,
    context: Mapping[str, Any],
    kind: str,
    key: str,
    recipient_id: int | None = None,
) -> tuple[Delivery, bool]:
    """Render one of our email templates and queue it through the ledger (see queue_email)."""
    subject, text_body, html_body = render_email(template, context)
    return queue_email(
        to_email=to_email,
        subject=f"[{settings.SITE_NAME}] {subject}",
        text_body=text_body,
        html_body=html_body,
        kind=kind,
        key=key,
        recipient_id=recipient_id,
    )


def send_delivery(*, delivery_id: int) -> bool:
    """Send one pending Delivery. Returns False when there is nothing to do.

    The row is claimed by a conditional UPDATE (pending -> sending), so two workers running
    the same task send one email. A send error puts the row back to pending and re-raises
    for the task's retry; after MAX_SEND_ATTEMPTS it is marked failed.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempt_count=F("attempt_count") + 1
    )
    if not claimed:
        return False
    delivery = Delivery.objects.get(pk=delivery_id)
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers={"X-Hearth-Kind": delivery.kind},
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    try:
        message.send()
    except Exception as exc:
        give_up = delivery.attempt_count >= MAX_SEND_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def requeue_stalled_deliveries() -> int:
    """Enqueue again every delivery whose task was lost or whose worker died mid-send.

    Releases claims older than STALLED_CLAIM_AFTER, then takes pending rows not queued for
    LOST_PENDING_AFTER, oldest first, and stamps them queued now (a conditional UPDATE, so
    two sweepers never enqueue the same row twice and a row waiting in a busy queue is
    not enqueued again on every sweep). Returns how many tasks it enqueued. A message whose
    worker died after the SMTP server accepted it can go out twice: at-least-once beats never.
    """
    from core.tasks import send_delivery_task

    now = timezone.now()
    cutoff = now - LOST_PENDING_AFTER
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - STALLED_CLAIM_AFTER
    ).update(status=Delivery.Status.PENDING, queued_at=cutoff - LOST_PENDING_AFTER)
    candidates = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, queued_at__lt=cutoff)
        .order_by("queued_at", "id")
        .values_list("pk", flat=True)[:1000]
    )
    requeued = 0
    for delivery_id in candidates:
        taken = Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, queued_at__lt=cutoff
        ).update(queued_at=now)
        if taken:
            send_delivery_task.delay(delivery_id)
            requeued += 1
    if requeued:
        logger.info("Re-enqueued %d stalled deliveries", requeued)
    return requeued
