"""VIP tiers: earned from points over the last 12 months, with hysteresis; granted by staff.

The rules (as Discourse's trust level 3 does it):
- promotion as soon as a member reaches a tier's threshold (and its minimum tenure);
- demotion only below 90% of the tier's threshold, never within 14 days of a promotion, and
  only after the member was told 14 days ahead (a notification, once per episode): a member
  whose points are below 90%, or will be in 14 days as old points leave the window, is
  warned; if they are still below 90% 14 days after the warning, they move down to the
  tier their points reach. Climbing back above clears the warning.
- a grant by staff (TierGrant) holds its tier until its end date; a member's tier is the
  higher of the tier they earned and an active grant's. When the grant ends, the normal
  rules apply again.
- a tier without a threshold is never earned; a member put in one directly (in the admin,
  before grants existed) keeps it until staff change it.

`refresh_tier` decides for one member (after each ledger change, under their lock);
`refresh_all_tiers` is the nightly pass, which applies the same rules to chunks of members
set-based (members.loyalty.tier_batches): one aggregate query for a chunk's points, bulk
writes for the members whose tier or warning changes.
Every change is written to TierHistory, which `replay` reads to rebuild the state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, Sum

from core.exceptions import DomainError, ForbiddenError
from core.params import without_control_characters
from members import policies
from members.loyalty import periods
from members.loyalty.models import Activity, MemberPoints, TierGrant, TierHistory
from members.models import Tier, User
from members.notifications.services import notify

#: Demotion only below this share of the tier's threshold.
KEEP_SHARE = 0.9
#: No demotion within this long of a promotion; the warning comes this long ahead.
GRACE = timedelta(days=14)
TIER_NOTIFICATION = "tier_changed"
WARNING_NOTIFICATION = "tier_at_risk"


class TierGrantError(DomainError):
    """A tier grant was refused (no reason, an end in the past)."""


@dataclass(frozen=True)
class Decision:
    """What the rules decide for a member's earned tier now."""

    change: str  # "", promoted, demoted, warned, warning_lifted
    tier: Tier | None


def earnable_tiers() -> list[Tier]:
    """Tiers with a threshold, most senior first (1 query)."""
    return list(Tier.objects.filter(points_threshold__isnull=False).order_by("-rank"))


def year_points(*, member_id: int, at: datetime) -> tuple[int, int]:
    """The member's points over the 12 months before `at`, and the part of them that leaves
    that window in the next 14 days (1 query)."""
    start = periods.tier_window_start(at)
    totals = Activity.objects.filter(
        member_id=member_id, credited_at__gt=start, credited_at__lte=at
    ).aggregate(
        total=Sum("points"), leaving=Sum("points", filter=Q(credited_at__lte=start + GRACE))
    )
    return int(totals["total"] or 0), int(totals["leaving"] or 0)


def reached_tier(tiers: Sequence[Tier], *, points: int, tenure_days: int) -> Tier | None:
    """The most senior tier whose threshold and tenure the member reaches (tiers: most
    senior first)."""
    for tier in tiers:
        threshold = tier.points_threshold
        if (
            threshold is not None
            and points >= threshold
            and tenure_days >= tier.minimum_tenure_days
        ):
            return tier
    return None


def _rank(tier: Tier | None) -> int:
    return -1 if tier is None else tier.rank


def keep_floor(tier: Tier) -> int:
    """Below this many points a member starts losing `tier` (90% of its threshold)."""
    return math.ceil((tier.points_threshold or 0) * KEEP_SHARE)


def decide(
    *,
    tiers: Sequence[Tier],
    earned: Tier | None,
    promoted_at: datetime | None,
    warned_at: datetime | None,
    points: int,
    points_in_grace: int,
    tenure_days: int,
    now: datetime,
) -> Decision:
    """The rules, as a pure function (the single and the nightly path share it).

    `points_in_grace`: the points the member will have in 14 days if they earn none."""
    reached = reached_tier(tiers, points=points, tenure_days=tenure_days)
    if _rank(reached) > _rank(earned):
        return Decision("promoted", reached)
    if earned is None:
        return Decision("", None)
    if earned.points_threshold is None:  # staff made it a granted-only tier
        return Decision("demoted", reached)
    floor = keep_floor(earned)
    below = points < floor
    at_risk = below or points_in_grace < floor
    if not at_risk:
        return Decision("warning_lifted" if warned_at else "", earned)
    if warned_at is None:
        return Decision("warned", earned)
    promoted_long_ago = promoted_at is None or now - promoted_at >= GRACE
    if below and now - warned_at >= GRACE and promoted_long_ago:
        return Decision("demoted", reached)
    return Decision("", earned)


def active_grant(*, member_id: int, at: datetime) -> TierGrant | None:
    """The member's active grant of the most senior tier, if any (1 query)."""
    return (
        TierGrant.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            member_id=member_id,
            starts_at__lte=at,
            revoked_at__isnull=True,
            ended_at__isnull=True,
        )
        .select_related("tier")
        .order_by("-tier__rank")
        .first()
    )


def effective_tier(
    *, current: Tier | None, earned: Tier | None, grant: TierGrant | None, keep_hand_set: bool
) -> Tier | None:
    """The tier that counts: the most senior of the earned tier, an active grant's and (when
    `keep_hand_set`) a granted-only tier the member was put in directly."""
    candidates = [earned, grant.tier if grant else None]
    if keep_hand_set and current is not None and current.points_threshold is None:
        candidates.append(current)
    present = [tier for tier in candidates if tier is not None]
    return max(present, key=lambda tier: tier.rank) if present else None


@dataclass(frozen=True)
class EffectiveMove:
    """A change of the tier that counts (User.tier), and how TierHistory logs it: `change`
    is "" when the earned change already logged it."""

    tier: Tier | None
    change: str
    reason: str


def effective_move(
    *,
    earned_change: str,
    current: Tier | None,
    earned: Tier | None,
    grant: TierGrant | None,
    keep_hand_set: bool,
) -> EffectiveMove | None:
    """Where the member's tier goes after their earned tier is settled (None: it stays).
    A promotion or demotion of the earned tier logs itself; otherwise the move is logged as
    a grant, the end of one, or the rules putting a hand-set member where they stand."""
    effective = effective_tier(
        current=current, earned=earned, grant=grant, keep_hand_set=keep_hand_set
    )
    if (current.pk if current else None) == (effective.pk if effective else None):
        return None
    if earned_change in ("promoted", "demoted"):
        return EffectiveMove(effective, "", "")
    if grant is not None and effective is not None and effective.pk == grant.tier_id:
        return EffectiveMove(effective, TierHistory.Change.GRANTED, grant.reason)
    if not keep_hand_set:
        return EffectiveMove(effective, TierHistory.Change.GRANT_ENDED, "")
    up = _rank(effective) > _rank(current)
    return EffectiveMove(
        effective, TierHistory.Change.PROMOTED if up else TierHistory.Change.DEMOTED, ""
    )


def warning_text(tier: Tier, *, now: datetime) -> str:
    """The excerpt of a demotion warning for `tier`."""
    return (
        f"Earn {keep_floor(tier)} points over 12 months by {(now + GRACE):%d %B} to stay "
        f"{tier.name}."
    )


def _notify_tier(member_id: int, tier: Tier, history: TierHistory) -> None:
    notify(
        recipients=[member_id],
        kind=TIER_NOTIFICATION,
        actor_id=None,
        target_type="tier",
        target_id=tier.pk,
        key=f"tier:{history.pk}",
        excerpt=tier.name,
    )


def _set_effective(
    *, member: User, move: EffectiveMove, now: datetime, points: int, actor: User | None = None
) -> None:
    """Move User.tier (what every access check reads) and log it when it is not already
    logged by an earned change."""
    previous_id = member.tier_id
    User.objects.filter(pk=member.pk).update(tier=move.tier)
    member.tier = move.tier
    if not move.change:
        return
    history = TierHistory.objects.create(
        member=member,
        tier=move.tier,
        previous_tier_id=previous_id,
        change=move.change,
        is_earned=False,
        points=points,
        reason=move.reason,
        actor=actor,
        changed_at=now,
    )
    if move.tier is not None and move.change == TierHistory.Change.GRANTED:
        _notify_tier(member.pk, move.tier, history)


def refresh_tier(
    *, member_id: int, now: datetime | None = None, keep_hand_set: bool = True
) -> Decision:
    """Apply the tier rules to one member now: promote, warn, lift a warning or demote
    their earned tier, then set their tier to the higher of it and an active grant (and a
    hand-set granted-only tier, unless `keep_hand_set` is False: a grant just ended).

    Takes the member's ledger lock (in the caller's transaction). Logs each change in
    TierHistory and tells the member of a promotion and, once, of a coming demotion."""
    from members.loyalty.ledger import lock_member  # the ledger calls this module

    state = lock_member(member_id)
    member = User.objects.select_related("tier").get(pk=member_id)
    return refresh_tier_locked(
        state=state, member=member, now=now or periods.now(), keep_hand_set=keep_hand_set
    )


def refresh_tier_locked(
    *, state: MemberPoints, member: User, now: datetime, keep_hand_set: bool = True
) -> Decision:
    """refresh_tier for a caller that holds the member's lock and loaded their row (with
    its tier): the ledger, after each change. 3 queries when nothing changes."""
    tiers = earnable_tiers()
    earned = state.earned_tier if state.earned_tier_id else None
    points, leaving = year_points(member_id=member.pk, at=now)
    decision = decide(
        tiers=tiers,
        earned=earned,
        promoted_at=state.promoted_at,
        warned_at=state.demotion_warned_at,
        points=points,
        points_in_grace=points - leaving,
        tenure_days=max((now - member.date_joined).days, 0),
        now=now,
    )
    _apply(state=state, member=member, decision=decision, points=points, now=now)
    move = effective_move(
        earned_change=decision.change,
        current=member.tier,
        earned=state.earned_tier,
        grant=active_grant(member_id=member.pk, at=now),
        keep_hand_set=keep_hand_set,
    )
    if move is not None:
        _set_effective(member=member, move=move, now=now, points=points)
    return decision


def apply_decision(state: MemberPoints, decision: Decision, now: datetime) -> None:
    """Set the earned-tier decision on the member's state (unsaved)."""
    if decision.change == "promoted":
        state.earned_tier, state.tier_since, state.promoted_at = decision.tier, now, now
        state.demotion_warned_at = None
    elif decision.change == "demoted":
        state.earned_tier, state.tier_since = decision.tier, now
        state.demotion_warned_at = None
    elif decision.change == "warned":
        state.demotion_warned_at = now
    else:
        state.demotion_warned_at = None


def _apply(
    *, state: MemberPoints, member: User, decision: Decision, points: int, now: datetime
) -> None:
    """Write the earned-tier decision to the member's state and history; tell them."""
    if not decision.change:
        return
    previous = state.earned_tier
    apply_decision(state, decision, now)
    state.save(update_fields=["earned_tier", "tier_since", "promoted_at", "demotion_warned_at"])
    history = TierHistory.objects.create(
        member=member,
        tier=decision.tier,
        previous_tier=previous,
        change=decision.change,
        is_earned=True,
        points=points,
        changed_at=now,
    )
    if decision.change == "promoted" and decision.tier is not None:
        _notify_tier(member.pk, decision.tier, history)
    elif decision.change == "warned" and previous is not None:
        notify(
            recipients=[member.pk],
            kind=WARNING_NOTIFICATION,
            actor_id=None,
            target_type="tier",
            target_id=previous.pk,
            key=f"tier-warning:{history.pk}",
            excerpt=warning_text(previous, now=now),
        )


def refresh_all_tiers(*, now: datetime | None = None, chunk: int = 1000) -> int:
    """The nightly pass: end the grants that are due, then apply the rules to everyone, in
    set-based chunks (members.loyalty.tier_batches). Idempotent. Returns how many members'
    earned tier or warning changed."""
    from members.loyalty import tier_batches  # it builds on this module's rules

    now = now or periods.now()
    end_due_grants(now=now)
    return tier_batches.refresh_everyone(now=now, chunk=chunk)


def end_due_grants(*, now: datetime | None = None) -> int:
    """Apply the end of every grant whose end date passed: the member's tier follows the
    normal rules again. Idempotent (each grant is ended once). Returns how many ended."""
    now = now or periods.now()
    ids = list(
        TierGrant.objects.filter(ended_at__isnull=True, ends_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for grant_id in ids:
        _end_grant(grant_id=grant_id, now=now)
    return len(ids)


@transaction.atomic
def _end_grant(*, grant_id: int, now: datetime) -> None:
    grant = TierGrant.objects.select_for_update().filter(pk=grant_id, ended_at__isnull=True).first()
    if grant is None:
        return
    grant.ended_at = now
    grant.save(update_fields=["ended_at"])
    refresh_tier(member_id=grant.member_id, now=now, keep_hand_set=False)


@transaction.atomic
def grant_tier(
    *,
    staff: User,
    member_id: int,
    tier_id: int,
    reason: str,
    ends_at: datetime | None,
) -> TierGrant:
    """Staff put a member in a tier by hand until `ends_at` (None: until revoked), with a
    reason. The member's tier becomes the higher of it and the tier they earned; they are
    told. Raises ForbiddenError (not staff), User/Tier.DoesNotExist, TierGrantError."""
    if not policies.can_grant_tiers(staff):
        raise ForbiddenError("Only staff grant tiers.")
    member = User.objects.get(pk=member_id, is_active=True)
    tier = Tier.objects.get(pk=tier_id)
    text = " ".join(without_control_characters(reason).split())
    if not text:
        raise TierGrantError(
            "Say why (paid, honorary…): it is kept with the grant.", field="reason"
        )
    if len(text) > 300:
        raise TierGrantError("Reasons are limited to 300 characters.", field="reason")
    now = periods.now()
    if ends_at is not None and ends_at <= now:
        raise TierGrantError("Choose an end date in the future.", field="ends_at")
    grant = TierGrant.objects.create(
        member=member, tier=tier, reason=text, granted_by=staff, starts_at=now, ends_at=ends_at
    )
    refresh_tier(member_id=member.pk, now=now)
    return grant


@transaction.atomic
def revoke_tier_grant(*, staff: User, grant_id: int) -> TierGrant:
    """Staff end a grant now; the member's tier follows the normal rules again."""
    if not policies.can_grant_tiers(staff):
        raise ForbiddenError("Only staff grant tiers.")
    grant = TierGrant.objects.select_for_update().get(pk=grant_id)
    if grant.revoked_at is None and grant.ended_at is None:
        now = periods.now()
        grant.revoked_at = grant.ended_at = now
        grant.save(update_fields=["revoked_at", "ended_at"])
        refresh_tier(member_id=grant.member_id, now=now, keep_hand_set=False)
    return grant


def run_nightly(*, now: datetime | None = None) -> tuple[int, int]:
    """The nightly loyalty pass: grants that ended, tier rules for everyone, then the
    automatic badges everyone reached (time-earned ones included). Idempotent. Returns
    (members whose tier state changed, badges awarded)."""
    from members.loyalty import badges  # badges are awarded after tiers settle

    now = now or periods.now()
    changed = refresh_all_tiers(now=now)
    awarded = badges.award_due_badges(at=now)
    return changed, awarded
