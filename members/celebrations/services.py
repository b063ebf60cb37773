"""Anniversaries and birthdays: found in each member's local morning, greeted exactly once a
year (in the app and, as the member chose, by email), the anniversary with "your year at
Hearth" and its ledger entry (which earns the tenure badges).

The sweep (Celery beat, every 15 minutes) looks, time zone by time zone, for members whose
local time has reached CELEBRATION_HOUR on their day, and fans out one task per chunk. A
member is greeted once per kind and year however often or concurrently it runs: the
Celebration row's unique (member, kind, year) decides, and the notification, the email
(core Delivery ledger) and the ledger entry carry keys unique per year as well, all in the
transaction that inserts that row.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Sum, When
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from core.queueing import enqueue_on_commit
from members import hooks
from members.celebrations.models import Celebration
from members.loyalty import ledger
from members.loyalty.models import Activity
from members.models import User
from members.notifications.emails import send_member_email
from members.notifications.services import notify

#: Members greeted per task.
CHUNK = 200
#: The notification kind (registered by members.notifications.kinds).
KIND = "celebration"
#: The ledger verb of an anniversary (its point rule is seeded by a migration).
ANNIVERSARY_VERB = "membership_anniversary"
#: Ledger verbs counted in "your year".
POST_VERBS = ("thread_started", "reply_posted")

Kind = Celebration.Kind


def _is_leap(year: int) -> bool:
    return calendar.isleap(year)


def _same_day(prefix: str, day: date) -> Q:
    """Dates on `day`'s month and day (and 29 February on 28 February of a common year)."""
    match = Q(**{f"{prefix}month": day.month, f"{prefix}day": day.day})
    if day.month == 2 and day.day == 28 and not _is_leap(day.year):
        match |= Q(**{f"{prefix}month": 2, f"{prefix}day": 29})
    return match


def _not_yet(kind: str, year: int) -> Exists:
    return Exists(Celebration.objects.filter(member_id=OuterRef("pk"), kind=kind, year=year))


def due_member_ids(*, zone: str, day: date) -> dict[str, list[int]]:
    """The active members of time zone `zone` whose anniversary or birthday is `day` (their
    local date) and who were not greeted for it this year, by kind. Two queries."""
    members = User.objects.filter(is_active=True, time_zone=zone)
    with timezone.override(zone):  # the join date's day as the member lives it
        anniversaries = (
            members.filter(_same_day("date_joined__", day), date_joined__year__lt=day.year)
            .exclude(_not_yet(Kind.ANNIVERSARY, day.year))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        anniversary_ids = list(anniversaries)
    birthdays = (
        members.filter(_same_day("birthday_", day))
        .exclude(_not_yet(Kind.BIRTHDAY, day.year))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {Kind.ANNIVERSARY: anniversary_ids, Kind.BIRTHDAY: list(birthdays)}


def sweep_due_celebrations(*, now: datetime | None = None) -> int:
    """Hand the members whose celebration morning it is (local time at or past
    CELEBRATION_HOUR on their day, not greeted yet this year) to tasks, CHUNK at a time.
    Returns how many greetings it handed over. Running it again hands over only those a
    task has not greeted yet, and a greeting handed over twice is sent once."""
    from members.tasks import celebrate_task  # tasks import services

    now = now or timezone.now()
    zones = User.objects.filter(is_active=True).order_by().values_list("time_zone", flat=True)
    handed = 0
    for zone in sorted(set(zones.distinct())):
        local = timezone.localtime(now, _zone(zone))
        if local.hour < settings.CELEBRATION_HOUR:
            continue
        for kind, ids in due_member_ids(zone=zone, day=local.date()).items():
            for start in range(0, len(ids), CHUNK):
                enqueue_on_commit(
                    celebrate_task, ids[start : start + CHUNK], kind, local.date().isoformat()
                )
            handed += len(ids)
    return handed


def _zone(name: str) -> Any:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def year_in_review(*, member: User, since: datetime, until: datetime) -> dict[str, Any]:
    """ "Your year at Hearth" from the ledger: posts written, answers accepted, likes
    received, events attended (net of reversals), points earned, the topic that earned the
    most, and the tier reached. A fixed number of queries."""
    year = Activity.objects.filter(member=member, credited_at__gte=since, credited_at__lt=until)
    net = Sum(Case(When(reverses__isnull=True, then=1), default=-1, output_field=IntegerField()))
    counts = dict(year.values("verb").annotate(n=net).values_list("verb", "n").order_by())
    points = year.aggregate(total=Sum("points"))["total"] or 0
    by_topic: dict[int, int] = defaultdict(int)
    subjects = (
        year.exclude(subject_id=None)
        .exclude(points=0)
        .values("subject_type", "subject_id")
        .annotate(total=Sum("points"))
        .values_list("subject_type", "subject_id", "total")
        .order_by()
    )
    by_type: dict[str, dict[int, int]] = defaultdict(dict)
    for subject_type, subject_id, total in subjects:
        if subject_id is not None:
            by_type[subject_type][subject_id] = int(total)
    for subject_type, totals in by_type.items():
        resolver = hooks.subject_topics(subject_type)
        if resolver is None:
            continue
        for subject_id, topic_ids in resolver(list(totals)).items():
            for topic_id in topic_ids:
                by_topic[topic_id] += totals[subject_id]
    top_topic = ""
    if by_topic:
        best = min(by_topic, key=lambda topic_id: (-by_topic[topic_id], topic_id))
        top_topic = Topic.objects.filter(pk=best).values_list("name", flat=True).first() or ""
    return {
        "posts": sum(counts.get(verb, 0) for verb in POST_VERBS),
        "answers_accepted": counts.get("answer_accepted", 0),
        "likes_received": counts.get("like_received", 0),
        "events_attended": counts.get("event_attended", 0),
        "points": int(points),
        "top_topic": top_topic,
        "tier": member.tier.name if member.tier_id is not None and member.tier else "",
    }


def _local_midnight(day: date, zone: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


@transaction.atomic
def celebrate(*, member_id: int, kind: str, on_date: date) -> Celebration | None:
    """Greet one member for `kind` on their local date `on_date`, once per year: the
    Celebration row, the in-app notification, the email (if they take celebrations by
    email; it carries the unsubscribe link), and for an anniversary its ledger entry.

    Returns the new Celebration, or None when the member was greeted for it this year
    already (a second run, a concurrent worker) or is no longer active, writing nothing."""
    member = User.objects.select_related("tier").filter(pk=member_id, is_active=True).first()
    if member is None:
        return None
    zone = member.zone
    years = 0
    summary: dict[str, Any] = {}
    if kind == Kind.ANNIVERSARY:
        years = on_date.year - timezone.localtime(member.date_joined, zone).year
        until = _local_midnight(on_date, zone)
        summary = year_in_review(
            member=member, since=_local_midnight(on_date - timedelta(days=365), zone), until=until
        )
    try:
        with transaction.atomic():
            celebration = Celebration.objects.create(
                member=member,
                kind=kind,
                year=on_date.year,
                on_date=on_date,
                years=years,
                summary=summary,
            )
    except IntegrityError:  # greeted already (or by a concurrent worker, now committed)
        return None
    key = f"{kind}:{on_date.year}"
    notify(
        recipients=[member.pk],
        kind=KIND,
        actor_id=None,
        target_type="celebration",
        target_id=celebration.pk,
        key=f"celebration:{key}",
        sends_own_email=True,
    )
    if kind == Kind.ANNIVERSARY:
        ledger.record(
            member_id=member.pk,
            verb=ANNIVERSARY_VERB,
            key=f"anniversary:{member.pk}:{on_date.year}",
            subject_type="celebration",
            subject_id=celebration.pk,
            reason=f"{years} year{'s' if years != 1 else ''} at {settings.SITE_NAME}",
        )
    send_member_email(
        member=member,
        kind=KIND,
        template=f"celebration_{kind}",
        context={
            "celebration": celebration,
            "summary": summary,
            "url": settings.SITE_URL.rstrip("/") + reverse("members:profile", args=[member.handle]),
        },
        key=key,
    )
    return celebration


def celebrate_members(*, member_ids: list[int], kind: str, on_date: date) -> int:
    """Greet each member (see celebrate); returns how many were greeted now."""
    return sum(
        celebrate(member_id=member_id, kind=kind, on_date=on_date) is not None
        for member_id in member_ids
    )


def resolve_celebrations(member: User, ids: Sequence[int]) -> dict[int, hooks.NotificationTarget]:
    """Notification targets: the member's own celebrations (members.hooks.TargetResolver)."""
    url = reverse("members:profile", args=[member.handle])
    return {
        c.pk: hooks.NotificationTarget(title=c.title, url=url)
        for c in Celebration.objects.filter(pk__in=ids, member=member)
    }


def resolve_celebrations_for_members(
    member_ids: Sequence[int], ids: Sequence[int]
) -> dict[tuple[int, int], hooks.NotificationTarget]:
    """The same for many members at once (members.hooks.BatchTargetResolver)."""
    return {
        (c.member_id, c.pk): hooks.NotificationTarget(
            title=c.title, url=reverse("members:profile", args=[c.member.handle])
        )
        for c in Celebration.objects.filter(pk__in=ids, member_id__in=member_ids).select_related(
            "member"
        )
    }
