"""The nightly tier pass, set-based: the rules of members.loyalty.tiers applied to a chunk of
members at a time, with the same outcome as refresh_tier for each of them.

A read without locks finds the members whose earned tier or warning changes (everyone's
12-month points and the points leaving the window in the next 14 days in one aggregate
query, `tiers.decide` in Python). Then per chunk of them, whatever its size: their summary
rows are locked (the ledger lock every writer takes, in id order), read and decided again
under the lock, and only the changes are written: their state in one UPDATE per kind of
change, their history in one INSERT, their tier in one UPDATE per tier they move to, and their
notifications in one batch per kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, Sum

from members.loyalty import periods, tiers
from members.loyalty.models import Activity, MemberPoints, TierGrant, TierHistory
from members.models import Tier, User
from members.notifications.services import Notice, notify_each


@dataclass
class _Member:
    """What the rules read of one member of a chunk (loaded under the chunk's lock)."""

    state: MemberPoints
    joined: datetime
    tier_id: int | None
    points: int
    leaving: int


def refresh_everyone(*, now: datetime, chunk: int) -> int:
    """Apply the tier rules to every active member. A read without locks (everyone's
    12-month points in one aggregate over the window, their states and join dates, streamed)
    finds the members whose earned tier or warning changes; those are then locked, read
    again and decided again, `chunk` at a time in id order, one transaction per chunk.
    Returns how many members' earned tier or warning changed."""
    ladder = tiers.earnable_tiers()
    tier_by_id = {tier.pk: tier for tier in Tier.objects.all()}
    start = periods.tier_window_start(now)
    sums = {
        member_id: (int(total or 0), int(leaving or 0))
        for member_id, total, leaving in Activity.objects.filter(
            credited_at__gt=start, credited_at__lte=now
        )
        .values("member_id")
        .annotate(
            total=Sum("points"),
            leaving=Sum("points", filter=Q(credited_at__lte=start + tiers.GRACE)),
        )
        .values_list("member_id", "total", "leaving")
        .order_by()
        .iterator(chunk_size=5000)
    }
    states = {
        state.member_id: state
        for state in MemberPoints.objects.only(
            "member_id", "earned_tier_id", "promoted_at", "demotion_warned_at"
        ).iterator(chunk_size=5000)
    }
    candidates = User.objects.filter(is_active=True)
    if not any(tier.points_threshold == 0 for tier in ladder):  # nobody else can change
        candidates = candidates.filter(pk__in=set(sums) | set(states))
    due = []
    for pk, joined, tier_id in (
        candidates.order_by("pk").values_list("pk", "date_joined", "tier_id").iterator(5000)
    ):
        points, leaving = sums.get(pk, (0, 0))
        member = _Member(
            state=states.get(pk) or MemberPoints(member_id=pk),
            joined=joined,
            tier_id=tier_id,
            points=points,
            leaving=leaving,
        )
        if _decide(member, ladder=ladder, tier_by_id=tier_by_id, now=now).change:
            due.append(pk)
    return sum(
        _refresh_locked(
            member_ids=due[first : first + chunk],
            ladder=ladder,
            tier_by_id=tier_by_id,
            now=now,
            settle_effective=False,
        )
        for first in range(0, len(due), chunk)
    )


def refresh_locked(*, member_ids: list[int], now: datetime) -> int:
    """What refresh_tier_locked does, for many members whose ledger locks the caller holds
    (record_many): the rules, then each member's tier set to the higher of the earned
    tier, an active grant's and a hand-set granted-only one. Returns how many members'
    earned tier or warning changed."""
    return refresh_chunk(
        member_ids=sorted(member_ids),
        ladder=tiers.earnable_tiers(),
        tier_by_id={tier.pk: tier for tier in Tier.objects.all()},
        now=now,
        settle_effective=True,
    )


def refresh_chunk(
    *,
    member_ids: list[int],
    ladder: list[Tier],
    tier_by_id: dict[int, Tier],
    now: datetime,
    settle_effective: bool = False,
) -> int:
    """The rules for one chunk of members (ids ascending). A read without locks finds the
    few members whose earned tier or warning the rules change; only those are then locked,
    read again and decided again under their lock (what they decide is what is written),
    in one transaction. A member without a summary row yet gets one only when the rules
    change something for them (as the ledger lock would create it).

    `settle_effective` (the caller holds the members' locks: record_many): decide for all
    of them, and also move the tier of members whose earned state stays (a grant or a
    hand-set tier may say otherwise), as the ledger does after each write; the nightly
    pass leaves those alone. Returns how many members' earned tier or warning changed."""
    if not settle_effective:
        members = _load(member_ids=member_ids, now=now, lock=False)
        member_ids = [
            pk
            for pk in member_ids
            if pk in members
            and _decide(members[pk], ladder=ladder, tier_by_id=tier_by_id, now=now).change
        ]
        if not member_ids:
            return 0
    return _refresh_locked(
        member_ids=member_ids,
        ladder=ladder,
        tier_by_id=tier_by_id,
        now=now,
        settle_effective=settle_effective,
    )


@transaction.atomic
def _refresh_locked(
    *,
    member_ids: list[int],
    ladder: list[Tier],
    tier_by_id: dict[int, Tier],
    now: datetime,
    settle_effective: bool,
) -> int:
    members = _load(member_ids=member_ids, now=now)
    missing: list[int] = []
    due: list[tuple[_Member, tiers.Decision]] = []
    for member_id in member_ids:
        member = members.get(member_id)
        if member is None:
            continue
        decision = _decide(member, ladder=ladder, tier_by_id=tier_by_id, now=now)
        if not decision.change:
            if settle_effective and not member.state._state.adding:
                due.append((member, decision))
            continue
        if member.state._state.adding:
            missing.append(member_id)
        else:
            due.append((member, decision))
    if missing:  # created, then locked and decided again like everyone else
        MemberPoints.objects.bulk_create(
            [MemberPoints(member_id=pk) for pk in missing], ignore_conflicts=True
        )
        fresh = _load(member_ids=missing, now=now)
        for member_id in missing:
            member = fresh[member_id]
            decision = _decide(member, ladder=ladder, tier_by_id=tier_by_id, now=now)
            if decision.change:
                due.append((member, decision))
    if due:
        _write(due=due, tier_by_id=tier_by_id, now=now)
    return sum(1 for _, decision in due if decision.change)


def _load(*, member_ids: list[int], now: datetime, lock: bool = True) -> dict[int, _Member]:
    """Lock the members' summary rows (in id order; `lock`), then read their join date,
    tier and 12-month points. Three queries. Members without a row get an unsaved one."""
    rows = MemberPoints.objects.filter(member_id__in=member_ids).order_by("member_id")
    states = {state.member_id: state for state in (rows.select_for_update() if lock else rows)}
    start = periods.tier_window_start(now)
    sums = {
        member_id: (int(total or 0), int(leaving or 0))
        for member_id, total, leaving in Activity.objects.filter(
            member_id__in=member_ids, credited_at__gt=start, credited_at__lte=now
        )
        .values("member_id")
        .annotate(
            total=Sum("points"),
            leaving=Sum("points", filter=Q(credited_at__lte=start + tiers.GRACE)),
        )
        .values_list("member_id", "total", "leaving")
        .order_by()
    }
    return {
        pk: _Member(
            state=states.get(pk) or MemberPoints(member_id=pk),
            joined=joined,
            tier_id=tier_id,
            points=sums.get(pk, (0, 0))[0],
            leaving=sums.get(pk, (0, 0))[1],
        )
        for pk, joined, tier_id in User.objects.filter(
            pk__in=member_ids, is_active=True
        ).values_list("pk", "date_joined", "tier_id")
    }


def _decide(
    member: _Member, *, ladder: list[Tier], tier_by_id: dict[int, Tier], now: datetime
) -> tiers.Decision:
    state = member.state
    return tiers.decide(
        tiers=ladder,
        earned=tier_by_id.get(state.earned_tier_id) if state.earned_tier_id else None,
        promoted_at=state.promoted_at,
        warned_at=state.demotion_warned_at,
        points=member.points,
        points_in_grace=member.points - member.leaving,
        tenure_days=max((now - member.joined).days, 0),
        now=now,
    )


def _active_grants(member_ids: list[int], now: datetime) -> dict[int, TierGrant]:
    """Each member's active grant of the most senior tier (tiers.active_grant, for many:
    one query)."""
    best: dict[int, TierGrant] = {}
    for grant in (
        TierGrant.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            member_id__in=member_ids,
            starts_at__lte=now,
            revoked_at__isnull=True,
            ended_at__isnull=True,
        )
        .select_related("tier")
        .order_by("member_id", "-tier__rank")
    ):
        best.setdefault(grant.member_id, grant)
    return best


def _write(
    *, due: list[tuple[_Member, tiers.Decision]], tier_by_id: dict[int, Tier], now: datetime
) -> None:
    """Write the changes of one chunk: states, history, tiers, then notifications."""
    grants = _active_grants([member.state.member_id for member, _ in due], now)
    history: list[TierHistory] = []
    promoted: list[tuple[int, Tier, TierHistory]] = []
    warned: list[tuple[int, Tier, TierHistory]] = []
    moves: dict[int | None, list[int]] = {}
    for member, decision in due:
        state, member_id = member.state, member.state.member_id
        previous = tier_by_id.get(state.earned_tier_id) if state.earned_tier_id else None
        if decision.change:
            _earned_change(
                member,
                decision,
                previous,
                history=history,
                promoted=promoted,
                warned=warned,
                now=now,
            )
        move = tiers.effective_move(
            earned_change=decision.change,
            current=tier_by_id.get(member.tier_id) if member.tier_id else None,
            earned=decision.tier if decision.change in ("promoted", "demoted") else previous,
            grant=grants.get(member_id),
            keep_hand_set=True,
        )
        if move is None:
            continue
        moves.setdefault(move.tier.pk if move.tier else None, []).append(member_id)
        if move.change:
            effective_row = TierHistory(
                member_id=member_id,
                tier=move.tier,
                previous_tier_id=member.tier_id,
                change=move.change,
                is_earned=False,
                points=member.points,
                reason=move.reason,
                changed_at=now,
            )
            history.append(effective_row)
            if move.tier is not None and move.change == TierHistory.Change.GRANTED:
                promoted.append((member_id, move.tier, effective_row))
    # Everyone in a chunk changes at the same moment: one UPDATE per kind of change and tier.
    writes: dict[tuple[str, int | None], list[int]] = {}
    for member, decision in due:
        if not decision.change:
            continue
        writes.setdefault((decision.change, member.state.earned_tier_id), []).append(
            member.state.member_id
        )
    for (change, earned_id), member_ids in sorted(writes.items(), key=str):
        MemberPoints.objects.filter(member_id__in=member_ids).update(
            **_state_update(change, earned_id, now)
        )
    TierHistory.objects.bulk_create(history)  # in order: each row's pk keys its notification
    for tier_id, member_ids in sorted(moves.items(), key=lambda item: item[0] or 0):
        User.objects.filter(pk__in=member_ids).update(tier_id=tier_id)
    if promoted:
        notify_each(
            kind=tiers.TIER_NOTIFICATION,
            actor_id=None,
            notices=[
                Notice(
                    recipient_id=member_id,
                    target_type="tier",
                    target_id=tier.pk,
                    key=f"tier:{row.pk}",
                    excerpt=tier.name,
                )
                for member_id, tier, row in promoted
            ],
        )
    if warned:
        notify_each(
            kind=tiers.WARNING_NOTIFICATION,
            actor_id=None,
            notices=[
                Notice(
                    recipient_id=member_id,
                    target_type="tier",
                    target_id=tier.pk,
                    key=f"tier-warning:{row.pk}",
                    excerpt=tiers.warning_text(tier, now=now),
                )
                for member_id, tier, row in warned
            ],
        )


def _earned_change(
    member: _Member,
    decision: tiers.Decision,
    previous: Tier | None,
    *,
    history: list[TierHistory],
    promoted: list[tuple[int, Tier, TierHistory]],
    warned: list[tuple[int, Tier, TierHistory]],
    now: datetime,
) -> None:
    """The earned-tier decision on the member's state, its history row and what to tell."""
    member_id = member.state.member_id
    tiers.apply_decision(member.state, decision, now)
    row = TierHistory(
        member_id=member_id,
        tier=decision.tier,
        previous_tier=previous,
        change=decision.change,
        is_earned=True,
        points=member.points,
        changed_at=now,
    )
    history.append(row)
    if decision.change == "promoted" and decision.tier is not None:
        promoted.append((member_id, decision.tier, row))
    elif decision.change == "warned" and previous is not None:
        warned.append((member_id, previous, row))


def _state_update(change: str, earned_id: int | None, now: datetime) -> dict[str, object]:
    """The columns `tiers.apply_decision` sets for `change`, as one UPDATE's values."""
    if change == "promoted":
        return {
            "earned_tier_id": earned_id,
            "tier_since": now,
            "promoted_at": now,
            "demotion_warned_at": None,
        }
    if change == "demoted":
        return {"earned_tier_id": earned_id, "tier_since": now, "demotion_warned_at": None}
    if change == "warned":
        return {"demotion_warned_at": now}
    return {"demotion_warned_at": None}
