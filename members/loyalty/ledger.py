"""Writing the activity ledger: `record` an activity (`record_many`: one
verb for many members at once), `reverse` one, `reverse_matching` all the live ones about
something that was undone. The only writers of the ledger.

Every write locks the member's `MemberPoints` row first, so all writes for one member are
serialised: caps are checked and summaries moved under that lock, and concurrent calls
cannot exceed a cap or record one key twice (the unique key is the last line of defence).
Each write then awards the automatic badges the member reached and applies the tier rules
(cheap: from the summaries), inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from members.leaderboards import standings
from members.loyalty import badges, periods, tier_batches, tiers
from members.loyalty.models import Activity, MemberPoints, MemberVerbTotal, PointRule
from members.models import User

#: The window of the per-giver cap (likes between the same pair).
PAIR_CAP_WINDOW = timedelta(days=7)


class UnknownVerbError(ValueError):
    """No point rule exists for this verb (a programming error, not a member's)."""


def lock_member(member_id: int) -> MemberPoints:
    """The member's summary row, created if missing, locked until the transaction ends.

    Every ledger write for a member goes through here first: the lock serialises them."""
    MemberPoints.objects.get_or_create(member_id=member_id)
    return MemberPoints.objects.select_for_update().get(pk=member_id)


def _points_since(member_id: int, since: datetime, **lookup: object) -> int:
    total = Activity.objects.filter(
        member_id=member_id, credited_at__gte=since, **lookup
    ).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def _capped_points(
    *, rule: PointRule, base: int, member_id: int, actor_id: int | None, now: datetime
) -> int:
    """`base` cut to what the rule's daily cap and per-giver cap still allow (never < 0)."""
    if base <= 0:
        return base
    allowed = base
    if rule.daily_cap is not None:
        earned_today = _points_since(member_id, periods.day_start(now), verb=rule.verb)
        allowed = min(allowed, rule.daily_cap - earned_today)
    if rule.weekly_cap_per_giver is not None and actor_id is not None:
        from_giver = _points_since(
            member_id, now - PAIR_CAP_WINDOW, verb=rule.verb, actor_id=actor_id
        )
        allowed = min(allowed, rule.weekly_cap_per_giver - from_giver)
    return max(allowed, 0)


def _move_summaries(*, member_id: int, verb: str, points: int, count: int) -> None:
    """Move the balance and the member's verb total by one row's worth (lock held)."""
    MemberPoints.objects.filter(pk=member_id).update(balance=F("balance") + points)
    total, _ = MemberVerbTotal.objects.get_or_create(member_id=member_id, verb=verb)
    MemberVerbTotal.objects.filter(pk=total.pk).update(
        count=F("count") + count, points=F("points") + points
    )


def _changed(state: MemberPoints) -> None:
    """After a change of the member's ledger (their lock held): award the badges they
    reached, then apply the tier rules."""
    member = User.objects.select_related("tier").get(pk=state.member_id)
    now = periods.now()
    badges.award_earned_badges(member=member, at=now)
    tiers.refresh_tier_locked(state=state, member=member, now=now)


@transaction.atomic
def record(
    *,
    member_id: int,
    verb: str,
    key: str,
    subject_type: str = "",
    subject_id: int | None = None,
    actor_id: int | None = None,
    points: int | None = None,
    reason: str = "",
    occurred_at: datetime | None = None,
) -> Activity | None:
    """Record that `member_id` earned `verb` (about `subject_type` #`subject_id`, caused by
    `actor_id`), once per `key`, with the rule's points or the `points` given, cut to the
    rule's daily and per-giver caps (a capped activity is still recorded, with fewer or no
    points, and counts toward badges).

    Returns the new row; the existing row when `key` was recorded before (idempotent);
    None when `actor_id` is the member: one's own actions never score. Raises
    UnknownVerbError when no point rule exists for `verb`. Moves the member's balance and
    totals, then re-evaluates their badges and tier, all in the caller's transaction.
    """
    if actor_id is not None and actor_id == member_id:
        return None
    rule = PointRule.objects.filter(verb=verb).first()
    if rule is None:
        raise UnknownVerbError(f"no point rule for {verb!r}")
    state = lock_member(member_id)
    existing = Activity.objects.filter(key=key).first()
    if existing is not None:
        return existing
    now = occurred_at or periods.now()
    base = (points if points is not None else rule.points) if rule.is_active else 0
    awarded = _capped_points(rule=rule, base=base, member_id=member_id, actor_id=actor_id, now=now)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                member_id=member_id,
                verb=verb,
                points=awarded,
                rule_points=base,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_id=actor_id,
                occurred_at=now,
                credited_at=now,
                key=key,
                reason=reason[:300],
            )
    except IntegrityError:  # the same key, recorded for another member meanwhile
        return Activity.objects.get(key=key)
    _move_summaries(member_id=member_id, verb=verb, points=awarded, count=1)
    standings.move(activity)  # the leaderboards' period and topic rows
    _changed(state)
    return activity


def _reverse_locked(original: Activity, *, reason: str, actor_id: int | None) -> Activity:
    """Write the row that undoes `original` (the member's lock is held), or return the one
    that already does."""
    already = Activity.objects.filter(reverses=original).first()
    if already is not None:
        return already
    reversal = Activity.objects.create(
        member_id=original.member_id,
        verb=original.verb,
        points=-original.points,
        rule_points=-original.rule_points,
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        actor_id=actor_id,
        occurred_at=periods.now(),
        credited_at=original.credited_at,
        key=f"reversal:{original.pk}",
        reverses=original,
        reason=reason[:300],
    )
    _move_summaries(
        member_id=original.member_id, verb=original.verb, points=reversal.points, count=-1
    )
    standings.move(reversal)
    return reversal


@transaction.atomic
def reverse(*, key: str, reason: str = "", actor_id: int | None = None) -> Activity | None:
    """Undo the activity recorded under `key` with a reversing row (negated points, counted
    on the original's date). Idempotent: a second call returns the same reversal. None when
    nothing was recorded under `key` (an own action, say). Raises ValueError for a key that
    is itself a reversal. Re-evaluates the member's badges and tier."""
    member_id = Activity.objects.filter(key=key).values_list("member_id", flat=True).first()
    if member_id is None:
        return None
    state = lock_member(member_id)
    original = Activity.objects.get(key=key)
    if original.reverses_id is not None:
        raise ValueError("a reversal cannot be reversed; record the activity again")
    reversal = _reverse_locked(original, reason=reason, actor_id=actor_id)
    _changed(state)
    return reversal


@transaction.atomic
def reverse_matching(
    *,
    subject_type: str,
    subject_id: int,
    verb: str | None = None,
    actor_id: int | None = None,
    member_id: int | None = None,
    reason: str = "",
    reversed_by_id: int | None = None,
) -> int:
    """Undo every live activity about `subject_type` #`subject_id` (only those of `verb`,
    caused by `actor_id`, earned by `member_id`, when given): when a post is deleted, a
    like removed, an answer unaccepted, an attendance taken back. Rows already reversed
    are skipped, so a retry reverses nothing twice. `reversed_by_id` is who undid it.
    Returns how many rows it reversed."""
    live = Activity.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        reverses__isnull=True,
        reversed_by__isnull=True,
    )
    if verb is not None:
        live = live.filter(verb=verb)
    if actor_id is not None:
        live = live.filter(actor_id=actor_id)
    if member_id is not None:
        live = live.filter(member_id=member_id)
    member_ids = sorted(set(live.values_list("member_id", flat=True)))
    reversed_count = 0
    for member_id in member_ids:  # in id order: two callers never lock in opposite orders
        state = lock_member(member_id)
        for original in live.filter(member_id=member_id).order_by("pk"):
            _reverse_locked(original, reason=reason, actor_id=reversed_by_id)
            reversed_count += 1
        _changed(state)
    return reversed_count


@dataclass(frozen=True)
class Entry:
    """One member's activity for record_many: who, its idempotency key, what it is about."""

    member_id: int
    key: str
    subject_type: str = ""
    subject_id: int | None = None
    reason: str = ""


@transaction.atomic
def record_many(*, verb: str, entries: Sequence[Entry]) -> list[Activity]:
    """record() for many members at once (a sweep greeting a chunk of members): the same
    rows, summaries, leaderboard rows, badges and tier rules as recording each entry alone,
    in a fixed number of queries per call. Entries whose key was recorded before are
    skipped (idempotent); one entry per member. A verb with caps goes one entry at a time
    through record() (the caps read each member's day). Returns the new rows.
    Raises UnknownVerbError."""
    rule = PointRule.objects.filter(verb=verb).first()
    if rule is None:
        raise UnknownVerbError(f"no point rule for {verb!r}")
    by_member = {entry.member_id: entry for entry in entries}
    if len(by_member) != len(entries):
        raise ValueError("record_many takes one entry per member")
    if rule.daily_cap is not None or rule.weekly_cap_per_giver is not None:
        recorded = [
            record(
                member_id=entry.member_id,
                verb=verb,
                key=entry.key,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                reason=entry.reason,
            )
            for entry in entries
        ]
        return [row for row in recorded if row is not None]
    member_ids = sorted(by_member)
    MemberPoints.objects.bulk_create(
        [MemberPoints(member_id=pk) for pk in member_ids], ignore_conflicts=True
    )
    list(  # every writer's lock, taken in id order
        MemberPoints.objects.select_for_update()
        .filter(member_id__in=member_ids)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    done = set(
        Activity.objects.filter(key__in=[entry.key for entry in entries]).values_list(
            "key", flat=True
        )
    )
    now = periods.now()
    points = rule.points if rule.is_active else 0
    rows = [
        Activity(
            member_id=pk,
            verb=verb,
            points=points,
            rule_points=points,
            subject_type=by_member[pk].subject_type,
            subject_id=by_member[pk].subject_id,
            occurred_at=now,
            credited_at=now,
            key=by_member[pk].key,
            reason=by_member[pk].reason[:300],
        )
        for pk in member_ids
        if by_member[pk].key not in done
    ]
    if not rows:
        return []
    try:
        with transaction.atomic():
            Activity.objects.bulk_create(rows)
    except IntegrityError:  # a key recorded for another member meanwhile: one at a time
        recorded = [
            record(
                member_id=row.member_id,
                verb=verb,
                key=row.key,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                reason=row.reason,
            )
            for row in rows
        ]
        return [row for row in recorded if row is not None]
    changed = [row.member_id for row in rows]
    MemberPoints.objects.filter(member_id__in=changed).update(balance=F("balance") + points)
    MemberVerbTotal.objects.bulk_create(
        [MemberVerbTotal(member_id=pk, verb=verb) for pk in changed], ignore_conflicts=True
    )
    MemberVerbTotal.objects.filter(member_id__in=changed, verb=verb).update(
        count=F("count") + 1, points=F("points") + points
    )
    standings.move_many(rows)
    badges.award_earned_badges_many(member_ids=changed, at=now)
    tier_batches.refresh_locked(member_ids=changed, now=now)
    return rows
