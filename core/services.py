"""Writes owned by core: the email Delivery ledger."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.email_events import EmailEvent
from core.exceptions import ConflictError
from core.models import Delivery, EmailHealth
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
    headers: Mapping[str, str] | None = None,
    is_transactional: bool = True,
    enqueue: bool = True,
) -> tuple[Delivery, bool]:
    """Record a message in the Delivery ledger and send it after commit, once.

    Idempotent on (recipient or address, kind, key): a second call returns the existing
    row and enqueues nothing. Returns (delivery, created). Schedules send_delivery_task,
    unless `enqueue` is False (the caller sends a batch with send_deliveries_task).
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
        "headers": dict(headers or {}),
        "is_transactional": is_transactional,
    }
    try:
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        # A concurrent caller inserted the same message between our read and write.
        return Delivery.objects.get(**lookup), False
    if created and enqueue:
        enqueue_on_commit(send_delivery_task, delivery.pk)
    return delivery, created


@dataclass(frozen=True)
class Attachment:
    """A small text file sent with a message (an .ics calendar entry)."""

    filename: str
    content: str
    mimetype: str

    def as_json(self) -> dict[str, str]:
        return {"filename": self.filename, "content": self.content, "mimetype": self.mimetype}


@dataclass(frozen=True)
class OutgoingEmail:
    """A message for queue_emails: one recipient, its ledger key, its content, headers and
    attachments."""

    to_email: str
    recipient_id: int
    kind: str
    key: str
    subject: str
    text_body: str
    html_body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    is_transactional: bool = False
    attachments: tuple[Attachment, ...] = ()


def queue_emails(messages: list[OutgoingEmail]) -> list[int]:
    """Record many messages in the ledger at once (two queries) and send them after commit
    in one batch task. Idempotent like queue_email: a message whose (recipient, kind, key)
    is already in the ledger is not added or sent again. Returns the ids now pending."""
    from core.tasks import send_deliveries_task

    if not messages:
        return []
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient_id=m.recipient_id,
                to_email=m.to_email,
                kind=m.kind,
                key=m.key,
                subject=m.subject,
                text_body=m.text_body,
                html_body=m.html_body,
                headers=dict(m.headers),
                is_transactional=m.is_transactional,
                attachments=[a.as_json() for a in m.attachments],
            )
            for m in messages
        ],
        ignore_conflicts=True,
    )
    # Pending rows among these recipients and keys: ours, and any earlier one that is
    # still waiting (sending it now is what the sweeper would do anyway).
    pending = list(
        Delivery.objects.filter(
            recipient_id__in={m.recipient_id for m in messages},
            kind__in={m.kind for m in messages},
            key__in={m.key for m in messages},
            status=Delivery.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    if pending:
        enqueue_on_commit(send_deliveries_task, pending)
    return pending


def _render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """Render a .txt template without HTML escaping: a text email shows `<` as `<`."""
    template = get_template(template_name)
    # The Django backend's wrapper exposes the engine template as .template.
    engine_template = template.template  # type: ignore[attr-defined]  # not in the stubs
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


def _message(delivery: Delivery) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers={"X-Hearth-Kind": delivery.kind, **delivery.headers},
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    for attachment in delivery.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _claim(delivery_ids: list[int]) -> list[Delivery]:
    """Take pending deliveries for sending (a conditional UPDATE: two workers never claim
    the same row); those whose address must not get them are marked suppressed."""
    now = timezone.now()
    Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempt_count=F("attempt_count") + 1
    )
    claimed = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, status=Delivery.Status.SENDING, claimed_at=now
        ).order_by("pk")
    )
    problems = email_problems([d.to_email for d in claimed])
    suppressed = [
        d.pk
        for d in claimed
        if problems.get(d.to_email.lower()) == "bounces"
        or (problems.get(d.to_email.lower()) == "complaint" and not d.is_transactional)
    ]
    if suppressed:
        Delivery.objects.filter(pk__in=suppressed).update(
            status=Delivery.Status.SUPPRESSED, last_error="The address bounces or complained."
        )
    return [d for d in claimed if d.pk not in suppressed]


def _record_failure(delivery: Delivery, exc: Exception) -> None:
    give_up = delivery.attempt_count >= MAX_SEND_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def send_delivery(*, delivery_id: int) -> bool:
    """Send one pending Delivery. Returns False when there is nothing to do.

    The row is claimed by a conditional UPDATE (pending -> sending), so two workers running
    the same task send one email. An address that bounces too often (or complained, for
    non-transactional mail) is not sent to: the row is marked suppressed. A send error puts
    the row back to pending and re-raises for the task's retry; after MAX_SEND_ATTEMPTS it
    is marked failed.
    """
    claimed = _claim([delivery_id])
    if not claimed:
        return False
    delivery = claimed[0]
    try:
        _message(delivery).send()
    except Exception as exc:
        _record_failure(delivery, exc)
        raise
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def send_deliveries(*, delivery_ids: list[int]) -> int:
    """Send a batch of pending deliveries over one connection. Returns how many were sent.

    Each row is claimed as send_delivery claims it. A message that fails goes back to
    pending (the sweeper retries it) without stopping the rest of the batch: one bad
    address never holds up everyone else's mail.
    """
    claimed = _claim(delivery_ids)
    if not claimed:
        return 0
    sent_ids: list[int] = []
    with get_connection() as connection:
        for delivery in claimed:
            message = _message(delivery)
            message.connection = connection
            try:
                message.send()
            except Exception as exc:
                logger.warning("Delivery %s failed: %s", delivery.pk, exc)
                _record_failure(delivery, exc)
            else:
                sent_ids.append(delivery.pk)
    Delivery.objects.filter(pk__in=sent_ids).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return len(sent_ids)


#: A bounce score at which Hearth stops emailing an address (hard bounce 2, soft 1).
SUPPRESS_AT = 4
#: Bounces older than this no longer count.
BOUNCE_MEMORY = timedelta(days=30)


def _effective_score(health: EmailHealth, now: datetime) -> int:
    if health.last_bounce_at is None or health.last_bounce_at < now - BOUNCE_MEMORY:
        return 0
    return health.bounce_score


def email_problems(addresses: list[str]) -> dict[str, str]:
    """lower-cased address -> why Hearth must not email it now: "bounces" (no email at
    all) or "complaint" (no non-transactional email). Addresses without a problem are
    left out. One query."""
    now = timezone.now()
    problems = {}
    for health in EmailHealth.objects.filter(address__in={a.lower() for a in addresses}):
        if _effective_score(health, now) >= SUPPRESS_AT:
            problems[health.address] = "bounces"
        elif health.complained_at:
            problems[health.address] = "complaint"
    return problems


def email_problem_cache_key(address: str) -> str:
    """The cache key of an address's problem (see email_problem)."""
    return f"core:email-problem:{address.lower()}"


def email_problem(address: str) -> str:
    """Why Hearth stopped emailing `address` ("" when it did not): for the member's banner.
    From the cache when it is there (no query), else one query, cached for an hour and
    forgotten when a bounce or complaint is recorded."""
    key = email_problem_cache_key(address)
    cached = cache.get(key)
    if cached is not None:
        return str(cached)
    problem = email_problems([address]).get(address.lower(), "")
    cache.set(key, problem, timeout=3600)
    return problem


@transaction.atomic
def record_bounce(*, address: str, hard: bool, reason: str = "") -> EmailHealth:
    """Count a bounce against an address (hard 2, soft 1; the score restarts from 0 when
    the previous bounce is older than BOUNCE_MEMORY). Row-locked: concurrent reports add up."""
    now = timezone.now()
    health, _ = EmailHealth.objects.select_for_update().get_or_create(address=address.lower())
    health.bounce_score = _effective_score(health, now) + (2 if hard else 1)
    health.last_bounce_at = now
    health.last_bounce_reason = reason[:300]
    health.save(
        update_fields=["bounce_score", "last_bounce_at", "last_bounce_reason", "updated_at"]
    )
    cache.delete(email_problem_cache_key(health.address))
    return health


@transaction.atomic
def record_complaint(*, address: str) -> EmailHealth:
    """The address's owner marked our mail as spam: no more non-transactional email."""
    health, _ = EmailHealth.objects.select_for_update().get_or_create(address=address.lower())
    if health.complained_at is None:
        health.complained_at = timezone.now()
        health.save(update_fields=["complained_at", "updated_at"])
    cache.delete(email_problem_cache_key(health.address))
    return health


@transaction.atomic
def resend_delivery(*, delivery_id: int) -> None:
    """Send a failed message again: the same Delivery row goes back to pending with fresh
    attempts and a send task is enqueued after commit (the ledger's unique row means never
    a second copy). Raises ConflictError unless the message failed (a conditional UPDATE:
    two staff clicking at once enqueue it once)."""
    from core.tasks import send_delivery_task

    resent = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING,
        attempt_count=0,
        claimed_at=None,
        queued_at=timezone.now(),
    )
    if not resent:
        raise ConflictError("Only a message that failed can be sent again.")
    enqueue_on_commit(send_delivery_task, delivery_id)


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


def record_email_events(events: list[EmailEvent]) -> int:
    """Record each bounce or complaint (see record_bounce, record_complaint). Returns how
    many it recorded."""
    for event in events:
        if event.type == "complaint":
            record_complaint(address=event.address)
        else:
            record_bounce(address=event.address, hard=event.is_hard, reason=event.reason)
    return len(events)
