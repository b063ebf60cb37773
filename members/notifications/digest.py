"""The email digest: in each member's own morning, on their day, only when it has news.

Beat runs sweep_due_digests every 15 minutes. It finds the time zones where it is now the
digest hour (DIGEST_HOUR, 08:00 by default), and in them the members due a daily digest,
or a weekly one on their chosen weekday. Each member gets at most one digest per day
(daily) or ISO week (weekly), by its ledger key; none when they visited since the last one
(or within the period, for a first), none after a year away, and none when there is
nothing to read. Sections come from the capabilities (members.hooks.DigestSection: the
forum's "your posts", "new in your topics", "questions you could answer"; events'
"coming up"), and the member's own notifications left for the digest.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.queueing import enqueue_on_commit
from core.services import queue_emails
from members.hooks import DigestBlock, DigestItem, digest_sections
from members.models import DigestFrequency, Notification, User
from members.notifications.emails import DIGEST, member_email
from members.notifications.kinds import KINDS
from members.notifications.selectors import resolve_targets

PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
#: After this long without a visit, digests stop (they would only be noise).
ABSENCE_LIMIT = timedelta(days=365)
DIGEST_CHUNK = 100


def _local(now: datetime, zone: str) -> datetime:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.astimezone(zoneinfo.ZoneInfo("UTC"))


def sweep_due_digests(*, now: datetime | None = None) -> int:
    """Hand the members whose digest morning it is to send tasks, DIGEST_CHUNK at a time.
    Returns how many members it handed over (each is sent at most one digest a period,
    however often this runs)."""
    from members.tasks import send_digests_task

    now = now or timezone.now()
    subscribed = User.objects.filter(
        is_active=True,
        digest_frequency__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
        last_active_at__gte=now - ABSENCE_LIMIT,
    )
    zones = subscribed.order_by().values_list("time_zone", flat=True).distinct()
    handed = 0
    for zone in zones:
        local = _local(now, zone)
        if local.hour != settings.DIGEST_HOUR:
            continue
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        due = (
            subscribed.filter(time_zone=zone)
            .filter(
                Q(digest_frequency=DigestFrequency.DAILY)
                | Q(digest_frequency=DigestFrequency.WEEKLY, digest_weekday=local.weekday())
            )
            .exclude(last_digest_at__gte=day_start)
            .order_by("pk")
        )
        ids = list(due.values_list("pk", flat=True))
        for start in range(0, len(ids), DIGEST_CHUNK):
            enqueue_on_commit(
                send_digests_task,
                ids[start : start + DIGEST_CHUNK],
                local.date().isoformat(),
                now.isoformat(),
            )
        handed += len(ids)
    return handed


def send_digests(*, member_ids: list[int], period_start: str, now: datetime | None = None) -> int:
    """Send the digest of each member (see send_digest) for the local day `period_start`, as
    of `now` (the moment the sweep chose them). Returns how many were queued."""
    now = now or timezone.now()
    day = date.fromisoformat(period_start)
    return sum(
        send_digest(member=member, day=day, now=now)
        for member in User.objects.filter(pk__in=member_ids).order_by("pk")
    )


def digest_key(member: User, day: date) -> str:
    """The ledger key of a digest: one per local day (daily) or ISO week (weekly)."""
    if member.digest_frequency == DigestFrequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"digest:weekly:{year}-W{week:02d}"
    return f"digest:daily:{day.isoformat()}"


def build_digest(*, member: User, since: datetime) -> list[DigestBlock]:
    """The digest's sections for the member, in order, leaving out empty ones: the
    notifications they chose to get in the digest, then every registered section."""
    blocks = [_notifications_block(member, since)]
    blocks += [section(member, since) for section in digest_sections()]
    return [block for block in blocks if block is not None and block.items]


def send_digest(*, member: User, day: date, now: datetime) -> bool:
    """Queue the member's digest for the local day `day`, once. False (nothing sent) when
    they turned digests off, are inactive, visited since the last digest (or within the
    period, for a first one), have been away a year, or there is nothing to read."""
    period = PERIODS.get(DigestFrequency(member.digest_frequency))
    if period is None or not member.is_active:
        return False
    since = member.last_digest_at or now - period
    if member.last_active_at > since or member.last_active_at < now - ABSENCE_LIMIT:
        return False
    blocks = build_digest(member=member, since=since)
    if not blocks:
        return False
    email = member_email(
        member=member,
        kind=DIGEST,
        template="digest",
        context={
            "blocks": blocks,
            "frequency": member.get_digest_frequency_display().lower(),
        },
        key=digest_key(member, day),
        ledger_kind="digest",
    )
    queue_emails([email])
    User.objects.filter(pk=member.pk).update(last_digest_at=now)
    Notification.objects.filter(
        recipient=member, email_state=Notification.EmailState.DIGEST, created_at__lte=now
    ).update(email_state=Notification.EmailState.DIGESTED)
    return True


def _notifications_block(member: User, since: datetime) -> DigestBlock | None:
    waiting = list(
        Notification.objects.filter(
            recipient=member, email_state=Notification.EmailState.DIGEST, read_at__isnull=True
        )
        .select_related("actor")
        .order_by("-id")[:20]
    )
    if not waiting:
        return None
    targets = resolve_targets(member, ((n.target_type, n.target_id) for n in waiting))
    site = settings.SITE_URL.rstrip("/")
    items = []
    for notification in waiting:
        kind = KINDS.get(notification.kind)
        target = targets.get((notification.target_type, notification.target_id))
        if kind is None or target is None:
            continue
        items.append(
            DigestItem(
                title=kind.describe(
                    actor=notification.actor.name if notification.actor else "Someone",
                    title=target.title,
                    count=1,
                    actors=1,
                ),
                url=site + target.url,
                detail=notification.excerpt,
            )
        )
    return DigestBlock(heading="For you", items=items) if items else None
