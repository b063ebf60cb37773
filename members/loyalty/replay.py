"""Rebuild every loyalty summary from the ledgers, exactly: what `rebuild_loyalty` runs.

- balances and per-verb totals from the activity ledger (set-based, a few queries);
- each member's earned-tier state from the tier history (the log of every promotion,
  warning and demotion, in order: hysteresis depends on when things happened, so the
  history is the record of it), and their tier as the higher of it and an active grant;
- badge awards: the automatic badges every member reached and does not hold are awarded
  (awards are never taken away), and each badge's holder count recounted.

It runs in one transaction and, on PostgreSQL, holds the summary table locked, so no
ledger write lands half-way; the result equals the live state the services keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from members.leaderboards import standings
from members.loyalty import badges, periods
from members.loyalty.models import (
    Activity,
    Badge,
    BadgeAward,
    MemberPoints,
    MemberVerbTotal,
    TierGrant,
    TierHistory,
)
from members.loyalty.tiers import effective_tier
from members.models import Tier, User

Progress = Callable[[int], object]

#: Rows written per INSERT.
BATCH = 2000


@dataclass(frozen=True)
class ReplayReport:
    members: int
    verb_totals: int
    tier_changes: int
    badges_awarded: int


@dataclass
class _TierState:
    earned_tier_id: int | None = None
    tier_since: datetime | None = None
    promoted_at: datetime | None = None
    warned_at: datetime | None = None


def _fold_history() -> dict[int, _TierState]:
    """Each member's earned-tier state, from their tier history in order."""
    states: dict[int, _TierState] = {}
    rows = (
        TierHistory.objects.filter(is_earned=True)
        .order_by("member_id", "changed_at", "pk")
        .values_list("member_id", "change", "tier_id", "changed_at")
    )
    for member_id, change, tier_id, changed_at in rows.iterator(chunk_size=BATCH):
        state = states.setdefault(member_id, _TierState())
        if change == TierHistory.Change.PROMOTED:
            state.earned_tier_id, state.tier_since = tier_id, changed_at
            state.promoted_at, state.warned_at = changed_at, None
        elif change == TierHistory.Change.DEMOTED:
            state.earned_tier_id, state.tier_since, state.warned_at = tier_id, changed_at, None
        elif change == TierHistory.Change.WARNED:
            state.warned_at = changed_at
        elif change == TierHistory.Change.WARNING_LIFTED:
            state.warned_at = None
    return states


def _lock_summaries() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {MemberPoints._meta.db_table}, {MemberVerbTotal._meta.db_table} "
                "IN EXCLUSIVE MODE"
            )


def _rebuild_totals() -> int:
    MemberVerbTotal.objects.all().delete()
    totals = (
        Activity.objects.values("member_id", "verb")
        .annotate(
            n=Sum(
                Case(
                    When(reverses__isnull=True, then=Value(1)),
                    default=Value(-1),
                    output_field=IntegerField(),
                )
            ),
            p=Sum("points"),
        )
        .order_by()
    )
    rows = [
        MemberVerbTotal(
            member_id=row["member_id"], verb=row["verb"], count=row["n"], points=row["p"]
        )
        for row in totals.iterator(chunk_size=BATCH)
    ]
    MemberVerbTotal.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _rebuild_points(states: dict[int, _TierState], progress: Progress | None) -> int:
    MemberPoints.objects.all().delete()
    balances = dict(
        Activity.objects.values("member_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("member_id", "total")
    )
    member_ids = sorted(set(balances) | set(states))
    for first in range(0, len(member_ids), BATCH):
        chunk = member_ids[first : first + BATCH]
        MemberPoints.objects.bulk_create(
            [
                MemberPoints(
                    member_id=pk,
                    balance=balances.get(pk, 0),
                    earned_tier_id=states.get(pk, _TierState()).earned_tier_id,
                    tier_since=states.get(pk, _TierState()).tier_since,
                    promoted_at=states.get(pk, _TierState()).promoted_at,
                    demotion_warned_at=states.get(pk, _TierState()).warned_at,
                )
                for pk in chunk
            ]
        )
        if progress:
            progress(len(chunk))
    return len(member_ids)


def _rebuild_tiers(states: dict[int, _TierState], now: datetime) -> int:
    """Set each member's tier to the higher of their earned tier and an active grant,
    keeping a hand-set granted-only tier. Returns how many tiers it had to change."""
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    grants: dict[int, TierGrant] = {}
    for grant in TierGrant.objects.filter(
        starts_at__lte=now, revoked_at__isnull=True, ended_at__isnull=True
    ).select_related("tier"):
        if grant.ends_at is None or grant.ends_at > now:
            best = grants.get(grant.member_id)
            if best is None or grant.tier.rank > best.tier.rank:
                grants[grant.member_id] = grant
    concerned = (
        User.objects.filter(pk__in=set(states) | set(grants))
        | User.objects.filter(tier__isnull=False)
    ).values_list("pk", "tier_id")
    changed = 0
    for member_id, tier_id in concerned.iterator(chunk_size=BATCH):
        state = states.get(member_id, _TierState())
        effective = effective_tier(
            current=tiers.get(tier_id) if tier_id else None,
            earned=tiers.get(state.earned_tier_id) if state.earned_tier_id else None,
            grant=grants.get(member_id),
            keep_hand_set=True,
        )
        effective_id = effective.pk if effective else None
        if effective_id != tier_id:
            User.objects.filter(pk=member_id).update(tier_id=effective_id)
            changed += 1
    return changed


def _recount_badges() -> None:
    holders = (
        BadgeAward.objects.filter(badge=OuterRef("pk"))
        .values("badge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Badge.objects.update(award_count=Coalesce(Subquery(holders), 0))


@transaction.atomic
def replay(*, progress: Progress | None = None, now: datetime | None = None) -> ReplayReport:
    """Rebuild balances, verb totals, tier state and tiers, and badge awards from the
    ledgers. Idempotent: on a consistent database it changes nothing."""
    now = now or periods.now()
    _lock_summaries()
    verb_totals = _rebuild_totals()
    standings.rebuild()  # the leaderboards' period and topic rows
    states = _fold_history()
    members = _rebuild_points(states, progress)
    tier_changes = _rebuild_tiers(states, now)
    awarded = badges.award_due_badges(at=now)
    _recount_badges()
    return ReplayReport(
        members=members, verb_totals=verb_totals, tier_changes=tier_changes, badges_awarded=awarded
    )


def replay_member_count() -> int:
    """How many members the replay writes a summary for (for a progress bar's total)."""
    with_activity = Activity.objects.values("member_id").distinct().count()
    return (
        with_activity
        + TierHistory.objects.exclude(member_id__in=Activity.objects.values("member_id"))
        .values("member_id")
        .distinct()
        .count()
    )
