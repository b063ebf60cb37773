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
from django.db import connection, transaction
from django.db.models import Case, Exists, Field, IntegerField, OuterRef, Q, Sum, When
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from core.queueing import enqueue_on_commit
from core.services import queue_emails
from members import hooks
from members.celebrations.models import Celebration
from members.loyalty import ledger
from members.loyalty.models import Activity
from members.models import EmailMode, User
from members.notifications.emails import member_email
from members.notifications.services import Notice, email_choices, notify_each

#: Members greeted per task (and per transaction).
CHUNK = 500
#: The columns a claim inserts.
CLAIM_FIELDS = ("member", "kind", "year", "on_date", "years", "summary", "created_at")
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


def years_in_review(
    *, members: Sequence[User], since: datetime, until: datetime
) -> dict[int, dict[str, Any]]:
    """ "Your year at Hearth" from the ledger for each member, over the same window:
    posts written, answers accepted, likes received, events attended (net of reversals),
    points earned, the topic that earned the most, and the tier reached. Three queries and
    one topic lookup per kind of subject, whatever the number of members."""
    ids = [member.pk for member in members]
    year = Activity.objects.filter(member_id__in=ids, credited_at__gte=since, credited_at__lt=until)
    net = Sum(Case(When(reverses__isnull=True, then=1), default=-1, output_field=IntegerField()))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    points: dict[int, int] = defaultdict(int)
    for member_id, verb, n, total in (
        year.values("member_id", "verb")
        .annotate(n=net, total=Sum("points"))
        .values_list("member_id", "verb", "n", "total")
        .order_by()
    ):
        counts[member_id][verb] = int(n)
        points[member_id] += int(total or 0)
    by_type: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for member_id, subject_type, subject_id, total in (
        year.exclude(subject_id=None)
        .exclude(points=0)
        .values("member_id", "subject_type", "subject_id")
        .annotate(total=Sum("points"))
        .values_list("member_id", "subject_type", "subject_id", "total")
        .order_by()
    ):
        if subject_id is not None:
            by_type[subject_type][member_id][subject_id] = int(total)
    by_topic: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for subject_type, by_member in by_type.items():
        resolver = hooks.subject_topics(subject_type)
        if resolver is None:
            continue
        subject_ids = sorted({pk for totals in by_member.values() for pk in totals})
        topics = resolver(subject_ids)
        for member_id, totals in by_member.items():
            for subject_id, total in totals.items():
                for topic_id in topics.get(subject_id, []):
                    by_topic[member_id][topic_id] += total
    best = {
        member_id: min(totals, key=lambda topic_id: (-totals[topic_id], topic_id))
        for member_id, totals in by_topic.items()
        if totals
    }
    names = dict(Topic.objects.filter(pk__in=set(best.values())).values_list("pk", "name"))
    return {
        member.pk: {
            "posts": sum(counts[member.pk].get(verb, 0) for verb in POST_VERBS),
            "answers_accepted": counts[member.pk].get("answer_accepted", 0),
            "likes_received": counts[member.pk].get("like_received", 0),
            "events_attended": counts[member.pk].get("event_attended", 0),
            "points": points[member.pk],
            "top_topic": names.get(best[member.pk], "") if member.pk in best else "",
            "tier": member.tier.name if member.tier_id is not None and member.tier else "",
        }
        for member in members
    }


def year_in_review(*, member: User, since: datetime, until: datetime) -> dict[str, Any]:
    """ "Your year at Hearth" for one member (see years_in_review)."""
    return years_in_review(members=[member], since=since, until=until)[member.pk]


def _local_midnight(day: date, zone: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def celebrate(*, member_id: int, kind: str, on_date: date) -> Celebration | None:
    """Greet one member for `kind` on their local date `on_date`, once per year (see
    celebrate_members). Returns the new Celebration, or None when the member was greeted
    for it this year already or is no longer active, writing nothing."""
    greeted = _celebrate_chunk(member_ids=[member_id], kind=kind, on_date=on_date)
    return greeted[0] if greeted else None


def celebrate_members(*, member_ids: list[int], kind: str, on_date: date) -> int:
    """Greet each member for `kind` on their local date `on_date`, once per year: the
    Celebration row, the in-app notification, the email (to those who take celebrations
    by email; it carries the unsubscribe link), and for an anniversary "your year" and its
    ledger entry. A chunk at a time, set-based: the claim is one INSERT whose unique
    (member, kind, year) skips members greeted already (by an earlier run or a concurrent
    worker, which it waits for), and everything else follows for the claimed members only,
    in the claim's transaction. Returns how many were greeted now."""
    return sum(
        len(
            _celebrate_chunk(
                member_ids=member_ids[start : start + CHUNK], kind=kind, on_date=on_date
            )
        )
        for start in range(0, len(member_ids), CHUNK)
    )


@transaction.atomic
def _celebrate_chunk(*, member_ids: list[int], kind: str, on_date: date) -> list[Celebration]:
    members = list(
        User.objects.select_related("tier").filter(pk__in=member_ids, is_active=True).order_by("pk")
    )
    if not members:
        return []
    summaries: dict[int, dict[str, Any]] = {}
    years: dict[int, int] = {}
    if kind == Kind.ANNIVERSARY:
        by_zone: dict[str, list[User]] = defaultdict(list)
        for member in members:
            by_zone[member.time_zone].append(member)
        for group in by_zone.values():  # one zone per chunk from the sweep
            zone = group[0].zone
            for member in group:
                years[member.pk] = on_date.year - timezone.localtime(member.date_joined, zone).year
            summaries.update(
                years_in_review(
                    members=group,
                    since=_local_midnight(on_date - timedelta(days=365), zone),
                    until=_local_midnight(on_date, zone),
                )
            )
    claimed = _claim(
        [
            Celebration(
                member=member,
                kind=kind,
                year=on_date.year,
                on_date=on_date,
                years=years.get(member.pk, 0),
                summary=summaries.get(member.pk, {}),
                created_at=timezone.now(),
            )
            for member in members
        ]
    )
    if not claimed:
        return []
    key = f"{kind}:{on_date.year}"
    notify_each(
        kind=KIND,
        actor_id=None,
        notices=[
            Notice(
                recipient_id=celebration.member_id,
                target_type="celebration",
                target_id=celebration.pk,
                key=f"celebration:{key}",
            )
            for celebration in claimed
        ],
        sends_own_email=True,
    )
    if kind == Kind.ANNIVERSARY:
        ledger.record_many(
            verb=ANNIVERSARY_VERB,
            entries=[
                ledger.Entry(
                    member_id=c.member_id,
                    key=f"anniversary:{c.member_id}:{on_date.year}",
                    subject_type="celebration",
                    subject_id=c.pk,
                    reason=f"{c.years} year{'s' if c.years != 1 else ''} at {settings.SITE_NAME}",
                )
                for c in claimed
            ],
        )
    choices = email_choices(member_ids=[c.member_id for c in claimed], kind=KIND)
    emailed = [c for c in claimed if choices[c.member_id][0] != EmailMode.NEVER]
    queue_emails(
        [
            member_email(
                member=c.member,
                kind=KIND,
                template=f"celebration_{kind}",
                context={
                    "celebration": c,
                    "summary": c.summary,
                    "url": settings.SITE_URL.rstrip("/")
                    + reverse("members:profile", args=[c.member.handle]),
                },
                key=key,
            )
            for c in emailed
        ]
    )
    return claimed


def _claim(rows: list[Celebration]) -> list[Celebration]:
    """Insert the rows that do not exist yet, in one statement; the unique (member, kind,
    year) skips the others (on PostgreSQL, after waiting for a concurrent worker's claim to
    commit or roll back). Returns the rows inserted now, with their ids."""
    table = Celebration._meta.db_table
    fields = [
        field
        for name in CLAIM_FIELDS
        if isinstance(field := Celebration._meta.get_field(name), Field)
    ]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params: list[Any] = []
    for row in rows:
        params += [
            field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields
        ]
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(rows))} "  # noqa: S608  # our own table and columns; values are parameters
        "ON CONFLICT (member_id, kind, year) DO NOTHING RETURNING id, member_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {member_id: pk for pk, member_id in cursor.fetchall()}
    claimed = []
    for row in rows:
        if row.member_id in inserted:
            row.pk = inserted[row.member_id]
            row._state.adding = False
            claimed.append(row)
    return claimed


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
