"""Keeping the leaderboard summaries in step with the ledger, and rebuilding them from it.

`move` is called by the ledger for every entry it writes (a reversal included: it carries
the original's `credited_at`, so it comes off the period the points went to), with the
member's ledger lock held, so a member's rows are never moved by two writers at once.
`rebuild` recomputes every row from the ledger: what the live rows must equal.

Periods are calendar periods in the community's time zone (settings.COMMUNITY_TIME_ZONE,
Django's default zone): the week from Monday, the month from the 1st. Topics are those of
the entry's subject (a thread's, an event's) at the time its points are counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, F, Q, Sum, Value
from django.db.models.functions import Cast, TruncMonth, TruncWeek
from django.utils import timezone

from members import hooks
from members.leaderboards.models import MemberPeriodPoints, MemberTopicPoints
from members.loyalty import periods
from members.loyalty.models import Activity

#: The one "period" of the all-time board.
ALL_TIME_START = date(2000, 1, 1)
#: Rows written per INSERT when rebuilding.
BATCH = 5000

Period = MemberPeriodPoints.Period


def period_starts(at: datetime) -> list[tuple[str, date]]:
    """The (period, first day) of every board a moment counts on."""
    return [
        (Period.WEEK, periods.week_start(at).date()),
        (Period.MONTH, periods.month_start(at).date()),
        (Period.ALL, ALL_TIME_START),
    ]


def current_start(period: str, *, now: datetime | None = None) -> date:
    """The first day of the current `period` (the community's calendar)."""
    return dict(period_starts(now or periods.now()))[period]


def _topics_of(subject_type: str, subject_ids: Iterable[int]) -> dict[int, list[int]]:
    resolver = hooks.subject_topics(subject_type)
    ids = list(subject_ids)
    if resolver is None or not ids:
        return {}
    return resolver(ids)


def move(activity: Activity) -> None:
    """Add one ledger entry's points to the member's period and topic rows (the member's
    ledger lock held). An entry worth nothing moves nothing. One UPDATE per kind of row;
    an INSERT only for a period or topic the member had no row for yet."""
    if activity.points == 0:
        return
    member_id = activity.member_id
    keys = period_starts(activity.credited_at)
    same_periods = Q()
    for period, starts_on in keys:
        same_periods |= Q(period=period, starts_on=starts_on)
    rows = MemberPeriodPoints.objects.filter(same_periods, member_id=member_id)
    if rows.update(points=F("points") + activity.points) < len(keys):
        have = set(rows.values_list("period", "starts_on"))
        MemberPeriodPoints.objects.bulk_create(
            MemberPeriodPoints(
                member_id=member_id, period=period, starts_on=starts_on, points=activity.points
            )
            for period, starts_on in keys
            if (period, starts_on) not in have
        )
    if activity.subject_id is None:
        return
    topic_ids = _topics_of(activity.subject_type, [activity.subject_id]).get(
        activity.subject_id, []
    )
    if not topic_ids:
        return
    topic_rows = MemberTopicPoints.objects.filter(member_id=member_id, topic_id__in=topic_ids)
    if topic_rows.update(points=F("points") + activity.points) < len(set(topic_ids)):
        have_topics = set(topic_rows.values_list("topic_id", flat=True))
        MemberTopicPoints.objects.bulk_create(
            MemberTopicPoints(member_id=member_id, topic_id=topic_id, points=activity.points)
            for topic_id in sorted(set(topic_ids) - have_topics)
        )


def move_many(activities: Sequence[Activity]) -> None:
    """move() for many ledger entries of distinct members at once (their locks held): one
    UPDATE per period and per topic they count on, one read of the rows that exist and one
    INSERT of those that do not. Entries worth nothing move nothing."""
    counted = [row for row in activities if row.points != 0]
    if not counted:
        return
    if len({row.member_id for row in counted}) != len(counted):
        for row in counted:
            move(row)
        return
    period_points: dict[tuple[str, date], dict[int, int]] = defaultdict(dict)
    for row in counted:
        for key in period_starts(row.credited_at):
            period_points[key][row.member_id] = row.points
    topic_points: dict[int, dict[int, int]] = defaultdict(dict)
    by_type: dict[str, list[Activity]] = defaultdict(list)
    for row in counted:
        if row.subject_id is not None:
            by_type[row.subject_type].append(row)
    for subject_type, rows in by_type.items():
        topics = _topics_of(subject_type, {row.subject_id for row in rows if row.subject_id})
        for row in rows:
            for topic_id in set(topics.get(row.subject_id or 0, [])):
                topic_points[topic_id][row.member_id] = row.points
    _add_points(
        MemberPeriodPoints,
        {(period, starts_on): points for (period, starts_on), points in period_points.items()},
    )
    _add_points(MemberTopicPoints, dict(topic_points))


def _add_points(
    model: type[MemberPeriodPoints] | type[MemberTopicPoints],
    points: Mapping[Any, dict[int, int]],
) -> None:
    """Add points to the rows of (period, start) or topic keys, by member: one UPDATE per
    key and amount, then the missing rows in one INSERT."""
    if not points:
        return

    def where(key: Any) -> Q:
        if model is MemberPeriodPoints:
            return Q(period=key[0], starts_on=key[1])
        return Q(topic_id=key)

    for key, by_member in points.items():
        amounts: dict[int, list[int]] = defaultdict(list)
        for member_id, amount in by_member.items():
            amounts[amount].append(member_id)
        for amount, member_ids in amounts.items():
            model.objects.filter(where(key), member_id__in=member_ids).update(
                points=F("points") + amount
            )
    everyone = {member_id for by_member in points.values() for member_id in by_member}
    any_key = Q()
    for key in points:
        any_key |= where(key)
    fields = (
        ("period", "starts_on", "member_id")
        if model is MemberPeriodPoints
        else (
            "topic_id",
            "member_id",
        )
    )
    have = set(model.objects.filter(any_key, member_id__in=everyone).values_list(*fields))
    missing: list[Any] = []  # rows of `model`
    for key, by_member in points.items():
        for member_id, amount in sorted(by_member.items()):
            if model is MemberPeriodPoints:
                if (key[0], key[1], member_id) not in have:
                    missing.append(
                        MemberPeriodPoints(
                            member_id=member_id, period=key[0], starts_on=key[1], points=amount
                        )
                    )
            elif (key, member_id) not in have:
                missing.append(MemberTopicPoints(member_id=member_id, topic_id=key, points=amount))
    if missing:
        model.objects.bulk_create(missing)


def _insert_period_rows() -> int:
    """Every member's period rows from the ledger, set-based: one INSERT ... SELECT per kind
    of period, the database grouping the entries by the community's week, month, or all
    time (as period_starts() counts a moment). Returns how many rows it wrote."""
    zone = timezone.get_default_timezone()
    counted = Activity.objects.exclude(points=0)
    selects = [
        counted.annotate(starts_on=Cast(trunc("credited_at", tzinfo=zone), DateField()))
        .values("member_id", "starts_on")
        .annotate(total=Sum("points"), kind=Value(period))
        .values_list("member_id", "kind", "starts_on", "total")
        .order_by()
        for period, trunc in ((Period.WEEK, TruncWeek), (Period.MONTH, TruncMonth))
    ]
    selects.append(
        counted.values("member_id")
        .annotate(
            total=Sum("points"),
            kind=Value(Period.ALL),
            starts_on=Value(ALL_TIME_START, output_field=DateField()),
        )
        .values_list("member_id", "kind", "starts_on", "total")
        .order_by()
    )
    table = connection.ops.quote_name(MemberPeriodPoints._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        for select in selects:
            sql, params = select.query.sql_with_params()
            insert = f"INSERT INTO {table} (member_id, period, starts_on, points) "
            cursor.execute(insert + sql, params)  # our own table; Django's SELECT, parameters
            written += max(cursor.rowcount, 0)
    return written


def _topic_rows() -> list[MemberTopicPoints]:
    by_subject = (
        Activity.objects.exclude(points=0)
        .exclude(subject_id=None)
        .values("subject_type", "subject_id", "member_id")
        .annotate(total=Sum("points"))
        .values_list("subject_type", "subject_id", "member_id", "total")
        .order_by("subject_type", "subject_id")
    )
    totals: dict[tuple[int, int], int] = defaultdict(int)
    pending: list[tuple[str, int, int, int]] = []

    def flush() -> None:
        by_type: dict[str, set[int]] = defaultdict(set)
        for subject_type, subject_id, _, _ in pending:
            by_type[subject_type].add(subject_id)
        topics = {kind: _topics_of(kind, ids) for kind, ids in by_type.items()}
        for subject_type, subject_id, member_id, total in pending:
            for topic_id in topics[subject_type].get(subject_id, []):
                totals[(member_id, topic_id)] += total
        pending.clear()

    for subject_type, subject_id, member_id, total in by_subject.iterator(chunk_size=BATCH):
        if subject_id is not None:
            pending.append((subject_type, subject_id, member_id, int(total)))
        if len(pending) >= BATCH:
            flush()
    flush()
    return [
        MemberTopicPoints(member_id=member_id, topic_id=topic_id, points=points)
        for (member_id, topic_id), points in sorted(totals.items())
    ]


def _insert(model: type[MemberPeriodPoints] | type[MemberTopicPoints], rows: Iterable) -> int:  # type: ignore[type-arg]  # either row model
    written = 0
    batch: list = []  # type: ignore[type-arg]  # rows of `model`
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        written += len(batch)
    return written


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recompute every leaderboard row from the ledger (what the live rows must equal).
    Returns how many period and topic rows it wrote. Run it with ledger writes paused (the
    rebuild_loyalty replay does), or a write during it may be counted twice."""
    MemberPeriodPoints.objects.all().delete()
    MemberTopicPoints.objects.all().delete()
    period_count = _insert_period_rows()
    topic_count = _insert(MemberTopicPoints, _topic_rows())
    return period_count, topic_count
