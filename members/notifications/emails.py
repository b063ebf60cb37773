"""Email to members beyond their account's own: notifications, the digest, celebrations.

Every such email is non-transactional: it respects the member's choice for its kind,
carries a one-click unsubscribe (RFC 8058: List-Unsubscribe with an https URL and
List-Unsubscribe-Post), and goes through core's Delivery ledger under a key that makes a
retried, duplicated or raced task send nothing twice. Account and security emails
(verification, password reset) go through allauth and carry no such header.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import Delivery
from core.queueing import enqueue_on_commit
from core.services import OutgoingEmail, queue_emails, render_email
from members.models import DigestFrequency, EmailMode, Notification, NotificationSetting, User
from members.notifications.kinds import KINDS, NotificationKind
from members.notifications.selectors import resolve_targets_for_members

UNSUBSCRIBE_SALT = "hearth.unsubscribe"
#: The kind of an unsubscribe token for the digest itself (not a notification kind).
DIGEST = "digest"
#: Due notification emails handled per task.
EMAIL_CHUNK = 200


@dataclass(frozen=True)
class Unsubscribe:
    """What an unsubscribe link stands for: one member, one kind, and where it came from
    (a scope such as "thread:12", so the page can offer to mute just that)."""

    member_id: int
    kind: str
    scope: str = ""


def unsubscribe_token(*, member_id: int, kind: str, scope: str = "") -> str:
    """A signed token for one member and one kind: it cannot be forged or changed."""
    return signing.dumps({"m": member_id, "k": kind, "s": scope}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """The member and kind a token stands for, or None for a forged or damaged one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    member_id, kind, scope = data.get("m"), data.get("k"), data.get("s", "")
    if not isinstance(member_id, int) or not isinstance(kind, str) or not isinstance(scope, str):
        return None
    if kind != DIGEST and kind not in KINDS:
        return None
    return Unsubscribe(member_id=member_id, kind=kind, scope=scope)


def unsubscribe_url(*, member_id: int, kind: str, scope: str = "") -> str:
    """The absolute https (in production) URL of the unsubscribe page for this token."""
    token = unsubscribe_token(member_id=member_id, kind=kind, scope=scope)
    site: str = settings.SITE_URL
    return site.rstrip("/") + reverse("members:unsubscribe", args=[token])


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers for a non-transactional email."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def wants_email(member: User, kind: str) -> bool:
    """Whether the member takes `kind` by email at all (right away or in the digest)."""
    if kind == DIGEST:
        return member.digest_frequency != DigestFrequency.NEVER
    chosen = (
        NotificationSetting.objects.filter(member=member, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    return (chosen or KINDS[kind].email_default) != EmailMode.NEVER


def member_email(
    *,
    member: User,
    kind: str,
    template: str,
    context: Mapping[str, Any],
    key: str,
    scope: str = "",
    ledger_kind: str = "",
) -> OutgoingEmail:
    """A non-transactional email to a member: the template rendered with the member, an
    unsubscribe link for `kind` in the footer and the one-click headers. Recorded in the
    ledger as `ledger_kind` (default "member:<kind>"). Callers check wants_email() and
    queue it with core.services.queue_emails."""
    url = unsubscribe_url(member_id=member.pk, kind=kind, scope=scope)
    subject, text_body, html_body = render_email(
        template,
        {
            **context,
            "member": member,
            "unsubscribe_url": url,
            "preferences_url": settings.SITE_URL.rstrip("/")
            + reverse("members:notification-settings"),
        },
    )
    return OutgoingEmail(
        to_email=member.email,
        recipient_id=member.pk,
        kind=ledger_kind or f"member:{kind}",
        key=key,
        subject=f"[{settings.SITE_NAME}] {subject}",
        text_body=text_body,
        html_body=html_body,
        headers=list_unsubscribe_headers(url),
    )


def send_member_email(
    *,
    member: User,
    kind: str,
    template: str,
    context: Mapping[str, Any],
    key: str,
    scope: str = "",
) -> list[int]:
    """Queue one non-transactional email to a member who takes `kind` by email (and is
    active); nothing otherwise. Idempotent on (member, kind, key). Returns the pending
    delivery ids (empty when nothing was queued)."""
    if not member.is_active or not wants_email(member, kind):
        return []
    return queue_emails(
        [
            member_email(
                member=member, kind=kind, template=template, context=context, key=key, scope=scope
            )
        ]
    )


# --- Notification emails ("right away", after the window) -----------------------------------


#: A handed-over notification whose task was lost is handed over again after this long.
HANDOVER_RETRY = timedelta(minutes=5)


def sweep_due_notification_emails(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Beat, every minute: hand the notifications whose email window has passed to tasks,
    EMAIL_CHUNK at a time. Each is pushed HANDOVER_RETRY into the future as it is handed
    over (a conditional UPDATE), so the next sweeps leave it to its task, and a task lost
    with the broker is retried by a later sweep. Returns how many it handed over; the send
    task claims each row once, so a row handed twice is still sent once."""
    from members.tasks import send_notification_emails_task

    now = now or timezone.now()
    due = list(
        Notification.objects.filter(
            email_state=Notification.EmailState.PENDING, email_due_at__lte=now
        )
        .order_by("email_due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    handed: list[int] = []
    for start in range(0, len(due), EMAIL_CHUNK):
        chunk = due[start : start + EMAIL_CHUNK]
        taken = Notification.objects.filter(
            pk__in=chunk, email_state=Notification.EmailState.PENDING, email_due_at__lte=now
        ).update(email_due_at=now + HANDOVER_RETRY)
        if taken:
            enqueue_on_commit(send_notification_emails_task, chunk)
            handed.extend(chunk)
    return len(handed)


def _claim_due(notification_ids: list[int], now: datetime) -> list[Notification]:
    """Take due, unread notifications for emailing (a conditional UPDATE, so two workers
    claim each row once); those read in the app meanwhile are marked skipped."""
    due = Notification.objects.filter(
        pk__in=notification_ids, email_state=Notification.EmailState.PENDING
    )
    due.filter(read_at__isnull=False).update(email_state=Notification.EmailState.SKIPPED)
    due.filter(read_at__isnull=True).update(
        email_state=Notification.EmailState.QUEUED, email_due_at=now
    )
    return list(
        Notification.objects.filter(
            pk__in=notification_ids, email_state=Notification.EmailState.QUEUED, email_due_at=now
        )
        .select_related("recipient", "actor")
        .order_by("pk")
    )


def _sent_today(member_ids: set[int], now: datetime) -> dict[int, int]:
    critical = [f"notification:{key}" for key, kind in KINDS.items() if kind.is_critical]
    return dict(
        Delivery.objects.filter(
            recipient_id__in=member_ids,
            kind__startswith="notification:",
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(kind__in=critical)
        .values("recipient_id")
        .annotate(sent=Count("id"))
        .values_list("recipient_id", "sent")
    )


#: Stand-ins rendered into a notification email once, then replaced per member: a fan-out
#: renders its templates once, not once per watcher.
_NAME, _URL, _UNSUBSCRIBE = (
    "hearthtoken0name",
    "https://hearth.invalid/t1",
    "https://hearth.invalid/t2",
)


def _notification_layout(kind: NotificationKind, text: str, excerpt: str) -> tuple[str, str, str]:
    """The notification email (subject, text, HTML) with stand-ins for what differs per
    member: their name, the link to open it and the unsubscribe link."""
    return render_email(
        "notification",
        {
            "member": {"name": _NAME},
            "text": text,
            "excerpt": excerpt,
            "url": _URL,
            "kind": kind,
            "unsubscribe_url": _UNSUBSCRIBE,
            "preferences_url": settings.SITE_URL.rstrip("/")
            + reverse("members:notification-settings"),
        },
    )


def _fill(
    layout: tuple[str, str, str], *, name: str, url: str, unsubscribe: str
) -> tuple[str, str, str]:
    subject, text_body, html_body = layout
    swaps_text = ((_NAME, name), (_URL, url), (_UNSUBSCRIBE, unsubscribe))
    swaps_html = ((_NAME, escape(name)), (_URL, escape(url)), (_UNSUBSCRIBE, escape(unsubscribe)))
    for token, value in swaps_text:
        subject, text_body = subject.replace(token, value), text_body.replace(token, value)
    for token, value in swaps_html:
        html_body = html_body.replace(token, value)
    return subject, text_body, html_body


@transaction.atomic
def send_notification_emails(*, notification_ids: list[int], now: datetime | None = None) -> int:
    """Email each claimed notification to its member, once (Delivery key
    "notification:<id>"), with one-click unsubscribe for its kind. A notification whose
    target the member can no longer see sends nothing; past the daily cap of
    non-critical emails the rest wait for the digest. Returns how many it queued."""
    now = now or timezone.now()
    claimed = _claim_due(notification_ids, now)
    if not claimed:
        return 0
    sent_today = _sent_today({n.recipient_id for n in claimed}, now)
    by_member: dict[int, list[Notification]] = defaultdict(list)
    for notification in claimed:
        by_member[notification.recipient_id].append(notification)
    messages: list[OutgoingEmail] = []
    to_digest: list[int] = []
    dropped: list[int] = []
    targets = resolve_targets_for_members(
        (n.recipient, n.target_type, n.target_id) for n in claimed
    )
    layouts: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    site: str = settings.SITE_URL.rstrip("/")
    for member_id, notifications in by_member.items():
        member = notifications[0].recipient
        for notification in notifications:
            kind = KINDS.get(notification.kind)
            target = targets.get((member_id, notification.target_type, notification.target_id))
            if not member.is_active or kind is None or target is None:
                dropped.append(notification.pk)
                continue
            if not kind.is_critical:
                if sent_today.get(member_id, 0) >= settings.NOTIFICATION_EMAIL_DAILY_CAP:
                    to_digest.append(notification.pk)
                    continue
                sent_today[member_id] = sent_today.get(member_id, 0) + 1
            text = kind.describe(
                actor=notification.actor.name if notification.actor else "Someone",
                title=target.title,
                count=1,
                actors=1,
            )
            layout_key = (notification.kind, text, notification.excerpt)
            if layout_key not in layouts:
                layouts[layout_key] = _notification_layout(kind, text, notification.excerpt)
            unsubscribe = unsubscribe_url(
                member_id=member_id, kind=notification.kind, scope=notification.scope
            )
            subject, text_body, html_body = _fill(
                layouts[layout_key],
                name=member.name,
                url=site + reverse("members:notification-open", args=[notification.pk]),
                unsubscribe=unsubscribe,
            )
            messages.append(
                OutgoingEmail(
                    to_email=member.email,
                    recipient_id=member_id,
                    # The ledger kind names the notification kind (the daily cap counts them).
                    kind=f"notification:{notification.kind}",
                    key=f"notification:{notification.pk}",
                    subject=f"[{settings.SITE_NAME}] {subject}",
                    text_body=text_body,
                    html_body=html_body,
                    headers=list_unsubscribe_headers(unsubscribe),
                )
            )
    Notification.objects.filter(pk__in=to_digest).update(email_state=Notification.EmailState.DIGEST)
    Notification.objects.filter(pk__in=dropped).update(email_state=Notification.EmailState.NONE)
    queue_emails(messages)
    return len(messages)
