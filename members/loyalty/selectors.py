"""Loyalty's screens: my points, the badges, one badge's holders, the tiers and my progress.

One selector per screen, shared by the page and its API twin; each costs a fixed number of
queries whatever the number of rows or members.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, Sum
from django.utils.functional import cached_property

from members.hooks import NotificationTarget
from members.leaderboards.selectors import count_of
from members.loyalty import periods, tiers
from members.loyalty.models import (
    Activity,
    Badge,
    BadgeAward,
    MemberPoints,
    TierGrant,
    TierHistory,
    Verb,
)
from members.loyalty.tiers import GRACE, keep_floor
from members.models import Tier, User
from members.notifications.selectors import resolve_targets
from members.policies import (
    Viewer,
    can_grant_tiers,
    hidden_members,
    is_member,
    is_moderator,
    visible_members,
)

HISTORY_PAGE_SIZE = 25
HOLDERS_PAGE_SIZE = 30
PACE_WINDOW = timedelta(days=90)
VERB_LABELS = dict(Verb.choices)
#: The grades as words, for marks and titles.
GRADE_LABELS = dict(Badge.Grade.choices)


@dataclass(frozen=True)
class HistoryRow:
    """One ledger entry as the points page shows it."""

    id: int
    verb: str
    label: str
    points: int
    occurred_at: datetime
    is_reversal: bool
    was_capped: bool
    reason: str
    subject_type: str
    subject_id: int | None
    subject: NotificationTarget | None


@dataclass(frozen=True)
class PointsScreen:
    """The member's own points: balance, the last 12 months, and the history, newest first."""

    member: User
    balance: int
    year_points: int
    page: Page[Activity]
    rows: list[HistoryRow]


def _history_rows(member: User, activities: list[Activity]) -> list[HistoryRow]:
    refs = {(a.subject_type, a.subject_id) for a in activities if a.subject_id is not None}
    targets = resolve_targets(member, [(kind, pk) for kind, pk in refs if kind])
    return [
        HistoryRow(
            id=a.pk,
            verb=a.verb,
            label=VERB_LABELS.get(a.verb, a.verb.replace("_", " ").capitalize()),
            points=a.points,
            occurred_at=a.occurred_at,
            is_reversal=a.reverses_id is not None,
            was_capped=a.was_capped,
            reason=a.reason,
            subject_type=a.subject_type,
            subject_id=a.subject_id,
            subject=targets.get((a.subject_type, a.subject_id))
            if a.subject_id is not None
            else None,
        )
        for a in activities
    ]


def get_points_screen(*, member: User, page: int) -> PointsScreen:
    """Page `page` of the member's points history (a page past the end shows the last),
    with what each entry was about, as the member may see it now. Queries: the summary,
    the 12-month sum, the count, the page, and one per kind of subject on the page."""
    summary = MemberPoints.objects.filter(member=member).values_list("balance", flat=True).first()
    year, _ = tiers.year_points(member_id=member.pk, at=periods.now())
    history = Activity.objects.filter(member=member).order_by("-occurred_at", "-id")
    paged = Paginator(history, HISTORY_PAGE_SIZE).get_page(page)
    return PointsScreen(
        member=member,
        balance=summary or 0,
        year_points=year,
        page=paged,
        rows=_history_rows(member, list(paged.object_list)),
    )


@dataclass(frozen=True)
class BadgeRow:
    """A badge in the list: how to earn it, how many hold it, whether the viewer does."""

    badge: Badge
    is_held: bool

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.badge.grade, "")


@dataclass(frozen=True)
class BadgesScreen:
    """Every active badge, earned ones (by rule) first, then those moderators grant."""

    automatic: list[BadgeRow]
    manual: list[BadgeRow]
    held_count: int
    can_grant: bool


def get_badges_screen(*, viewer: Viewer) -> BadgesScreen:
    """All badges with their holder counts (kept on the badge) and, for a member, which they
    hold. Two queries for a member, one for a visitor."""
    badges = list(Badge.objects.filter(is_active=True))
    held: set[int] = set()
    if isinstance(viewer, User):
        held = set(BadgeAward.objects.filter(member=viewer).values_list("badge_id", flat=True))
    rows = [BadgeRow(badge=badge, is_held=badge.pk in held) for badge in badges]
    return BadgesScreen(
        automatic=[row for row in rows if not row.badge.is_manual],
        manual=[row for row in rows if row.badge.is_manual],
        held_count=len(held),
        can_grant=is_moderator(viewer),
    )


@dataclass(frozen=True)
class BadgeScreen:
    """One badge and a page of its holders (most recent first) whom the viewer may see."""

    badge: Badge
    page: Page[BadgeAward]
    is_held: bool
    can_grant: bool

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.badge.grade, "")


class _CountedPaginator(Paginator[BadgeAward]):
    """A Paginator whose total comes from `count` (one cheap query) rather than COUNT(*)
    over its joined list."""

    def __init__(self, object_list: Any, per_page: int, *, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._counter = count

    @cached_property
    def count(self) -> int:
        return self._counter()


def get_badge_screen(*, viewer: Viewer, slug: str, page: int) -> BadgeScreen:
    """The badge `slug` with page `page` of its holders. Raises Badge.DoesNotExist.
    Queries: the badge, the holder count, the page (members and tiers joined), and for a
    member whether they hold it."""
    badge = Badge.objects.get(slug=slug, is_active=True)
    holders = (
        BadgeAward.objects.filter(badge=badge, member__in=visible_members(viewer))
        .select_related("member", "member__tier")
        .order_by("-awarded_at", "-id")
    )
    is_held = isinstance(viewer, User) and (
        BadgeAward.objects.filter(badge=badge, member=viewer).exists()
    )
    held_by = BadgeAward.objects.filter(badge=badge)
    hidden = held_by.filter(hidden_members(viewer, "member__"))
    return BadgeScreen(
        badge=badge,
        page=_CountedPaginator(
            holders,
            HOLDERS_PAGE_SIZE,
            count=lambda: int(
                Badge.objects.filter(pk=badge.pk)
                .annotate(n=count_of(held_by) - count_of(hidden))
                .values_list("n", flat=True)
                .get()
            ),
        ).get_page(page),
        is_held=is_held,
        can_grant=badge.is_manual and is_moderator(viewer),
    )


@dataclass(frozen=True)
class Progress:
    """Where a member stands: their tier and since when, their 12-month points (and their
    balance of all time), the next tier and the points it needs, an estimate at their
    recent pace, and any warning."""

    tier: Tier | None
    since: datetime | None
    year_points: int
    next_tier: Tier | None
    points_to_next: int
    pace_per_day: float
    estimated_on: date | None
    grant: TierGrant | None
    at_risk: bool
    keep_points: int
    keep_by: date | None
    balance: int = 0


@dataclass(frozen=True)
class TierRow:
    """A tier as the tiers page shows it: its perks one a line, and whether it is the
    viewer's."""

    tier: Tier
    perks: list[str]
    is_current: bool


@dataclass(frozen=True)
class TiersScreen:
    """The tiers, lowest first, how each is reached and what it brings; a member's progress."""

    rows: list[TierRow]
    progress: Progress | None
    can_grant: bool


def _since(member: User) -> datetime | None:
    if member.tier_id is None:
        return None
    return (
        TierHistory.objects.filter(member=member, tier_id=member.tier_id)
        .order_by("-changed_at", "-id")
        .values_list("changed_at", flat=True)
        .first()
    )


def get_progress(*, member: User, all_tiers: list[Tier], now: datetime) -> Progress:
    """The member's standing (a few queries: the window sums, the state, the grant, the
    date they reached their tier)."""
    start = periods.tier_window_start(now)
    sums = Activity.objects.filter(member=member, credited_at__gt=start).aggregate(
        year=Sum("points"),
        recent=Sum("points", filter=Q(credited_at__gt=now - PACE_WINDOW)),
    )
    year, recent = int(sums["year"] or 0), int(sums["recent"] or 0)
    state = MemberPoints.objects.filter(member=member).select_related("earned_tier").first()
    current = member.tier
    earnable = [t for t in all_tiers if t.points_threshold is not None]
    higher = [t for t in earnable if current is None or t.rank > current.rank]
    next_tier = higher[0] if higher else None
    needed = max((next_tier.points_threshold or 0) - year, 0) if next_tier else 0
    pace = max(recent, 0) / PACE_WINDOW.days
    estimated = (
        (now + timedelta(days=math.ceil(needed / pace))).date()
        if next_tier and needed and pace > 0
        else None
    )
    warned = state.demotion_warned_at if state else None
    earned = state.earned_tier if state else None
    return Progress(
        tier=current,
        since=_since(member),
        year_points=year,
        next_tier=next_tier,
        points_to_next=needed,
        pace_per_day=pace,
        estimated_on=estimated,
        grant=tiers.active_grant(member_id=member.pk, at=now),
        at_risk=warned is not None and earned is not None,
        keep_points=keep_floor(earned) if earned and warned else 0,
        keep_by=(warned + GRACE).date() if warned else None,
        balance=state.balance if state else 0,
    )


def get_tiers_screen(*, viewer: Viewer) -> TiersScreen:
    """Every tier, and for a member their progress. Visitors: one query."""
    all_tiers = list(Tier.objects.order_by("rank"))
    progress = None
    if isinstance(viewer, User) and is_member(viewer):
        member = User.objects.select_related("tier").get(pk=viewer.pk)
        progress = get_progress(member=member, all_tiers=all_tiers, now=periods.now())
    current_id = progress.tier.pk if progress and progress.tier else None
    return TiersScreen(
        rows=[
            TierRow(
                tier=tier,
                perks=[line.strip() for line in tier.perks.splitlines() if line.strip()],
                is_current=tier.pk == current_id,
            )
            for tier in all_tiers
        ],
        progress=progress,
        can_grant=can_grant_tiers(viewer),
    )


def export_loyalty(member: User) -> dict[str, object]:
    """The member's points history, badges and tier changes, for their data export."""
    return {
        "points": [
            {
                "verb": a.verb,
                "points": a.points,
                "about": f"{a.subject_type} {a.subject_id}" if a.subject_id else "",
                "reason": a.reason,
                "occurred_at": a.occurred_at.isoformat(),
            }
            for a in Activity.objects.filter(member=member).order_by("occurred_at", "pk")
        ],
        "badges": [
            {"badge": award.badge.name, "awarded_at": award.awarded_at.isoformat()}
            for award in BadgeAward.objects.filter(member=member).select_related("badge")
        ],
        "tier_history": [
            {
                "change": row.change,
                "tier": row.tier.name if row.tier else None,
                "changed_at": row.changed_at.isoformat(),
            }
            for row in TierHistory.objects.filter(member=member)
            .select_related("tier")
            .order_by("changed_at", "pk")
        ],
    }
