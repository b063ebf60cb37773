"""The leaderboards screen (page and API): one board, one page of it, the viewer's place.

Every board is a walk down one index of a summary table (MemberPeriodPoints,
MemberTopicPoints, MemberVerbTotal), joined to the ranked members: staff, suspended and
deactivated or deleted accounts are never ranked. The queries are the same whatever the
size of the community or of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from core.models import Topic
from members.leaderboards.models import MemberPeriodPoints, MemberTopicPoints
from members.leaderboards.standings import ALL_TIME_START, current_start
from members.loyalty import periods
from members.loyalty.models import MemberVerbTotal
from members.models import User
from members.policies import Viewer

#: Rows on a page of a board, and how deep a board goes (page numbers are capped: a board is
#: about the top of the community, and a capped OFFSET stays cheap).
PAGE_SIZE = 50
MAX_PAGE = 20

#: The boards by key: what it ranks, and its title.
BOARDS = {
    "week": "This week",
    "month": "This month",
    "all": "All time",
    "helpers": "Top helpers",
}
HELPERS_VERB = "answer_accepted"


class UnknownBoardError(LookupError):
    """No board has that key."""


@dataclass(frozen=True)
class BoardRow:
    """One ranked member: their place, who they are, and their score on this board."""

    rank: int
    member: User
    score: int
    profile_url: str


@dataclass(frozen=True)
class BoardTab:
    """A link to a board (a period, the helpers, a topic) in the screen's navigation."""

    key: str
    label: str
    url: str
    is_current: bool


@dataclass(frozen=True)
class LeaderboardScreen:
    """A page of one board; `viewer_row` is the viewer's own place when they are ranked."""

    board: str
    title: str
    unit: str
    starts_on: date | None
    topic: Topic | None
    tabs: list[BoardTab]
    topics: list[BoardTab]
    rows: list[BoardRow]
    viewer_row: BoardRow | None
    page: int
    has_next: bool
    has_previous: bool


def ranked(prefix: str = "member__") -> Q:
    """The accounts a board ranks: active, not staff, not suspended right now."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}is_staff": False}) & (
        Q(**{f"{prefix}suspended_until__isnull": True})
        | Q(**{f"{prefix}suspended_until__lte": periods.now()})
    )


def _board_rows(board: str, topic: Topic | None) -> tuple[QuerySet[Any], str, date | None]:
    """The board's rows (ranked members with a positive score, best first), the name of its
    score field, and the first day of its period."""
    if topic is not None:
        return MemberTopicPoints.objects.filter(topic=topic, points__gt=0), "points", None
    if board == "helpers":
        return MemberVerbTotal.objects.filter(verb=HELPERS_VERB, count__gt=0), "count", None
    starts_on = current_start(board)
    rows = MemberPeriodPoints.objects.filter(period=board, starts_on=starts_on, points__gt=0)
    return rows, "points", None if starts_on == ALL_TIME_START else starts_on


def unranked(prefix: str = "member__") -> Q:
    """The accounts a board does not rank (the complement of ranked()): few, and found
    through the partial index user_not_ranked."""
    return (
        Q(**{f"{prefix}is_active": False})
        | Q(**{f"{prefix}is_staff": True})
        | Q(**{f"{prefix}suspended_until__gt": periods.now()})
    )


def count_of(rows: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of `rows` as a scalar subquery (0 when there are none)."""
    counted = rows.order_by().annotate(group=Value(1)).values("group")
    return Coalesce(Subquery(counted.annotate(n=Count("*")).values("n")[:1]), 0)


def _place_above(rows: QuerySet[Any], *, score: str, mine: int, member_id: int) -> int:
    """How many ranked members are above the viewer (`mine` points, ties by id), in one
    query: the rows above, counted on the board's index alone, minus the few unranked
    members among them (staff, suspended, deactivated), found from their side. Joining
    every row above to its member would read the whole board for a viewer near the
    bottom (132 ms at 100,000 members)."""
    higher = rows.filter(
        Q(**{f"{score}__gt": mine}) | Q(**{score: mine, "member_id__lt": member_id})
    )
    above = (
        User.objects.filter(pk=member_id)
        .annotate(above=count_of(higher) - count_of(higher.filter(unranked())))
        .values_list("above", flat=True)
        .first()
    )
    return int(above or 0)


def get_leaderboard_screen(
    *, viewer: Viewer, board: str = "week", topic_slug: str | None = None, page: int = 1
) -> LeaderboardScreen:
    """One page of a board (`board`, or the all-time board of the topic `topic_slug`) with
    the viewer's place. Raises UnknownBoardError, Topic.DoesNotExist.

    Queries: the topics (1), the page (1), and for a ranked viewer their score and place
    (2), whatever the number of members or ledger rows."""
    if topic_slug is None and board not in BOARDS:
        raise UnknownBoardError(board)
    all_topics = list(Topic.objects.all())
    topic = None
    if topic_slug is not None:
        topic = next((t for t in all_topics if t.slug == topic_slug), None)
        if topic is None:
            raise Topic.DoesNotExist(topic_slug)
        board = "topic"
    page = min(max(page, 1), MAX_PAGE)
    rows, score, starts_on = _board_rows(board, topic)
    ordered = rows.filter(ranked()).select_related("member").order_by(f"-{score}", "member_id")
    offset = (page - 1) * PAGE_SIZE
    found = list(ordered[offset : offset + PAGE_SIZE + 1])
    board_rows = [
        BoardRow(
            rank=offset + index + 1,
            member=row.member,
            score=getattr(row, score),
            profile_url=reverse("members:profile", args=[row.member.handle]),
        )
        for index, row in enumerate(found[:PAGE_SIZE])
    ]
    viewer_row = None
    if isinstance(viewer, User) and viewer.is_active and not viewer.is_staff:
        mine = rows.filter(member_id=viewer.pk).values_list(score, flat=True).first()
        if mine is not None:
            above = _place_above(rows, score=score, mine=mine, member_id=viewer.pk)
            viewer_row = BoardRow(
                rank=above + 1,
                member=viewer,
                score=mine,
                profile_url=reverse("members:profile", args=[viewer.handle]),
            )
    return LeaderboardScreen(
        board=board,
        title=topic.name if topic is not None else BOARDS[board],
        unit="accepted answers" if board == "helpers" else "points",
        starts_on=starts_on,
        topic=topic,
        tabs=[
            BoardTab(
                key,
                label,
                reverse("members:leaderboard-board", args=[key]),
                key == board,
            )
            for key, label in BOARDS.items()
        ],
        topics=[
            BoardTab(
                t.slug,
                t.name,
                reverse("members:leaderboard-topic", args=[t.slug]),
                topic is not None and t.pk == topic.pk,
            )
            for t in all_topics
        ],
        rows=board_rows,
        viewer_row=viewer_row,
        page=page,
        has_next=len(found) > PAGE_SIZE and page < MAX_PAGE,
        has_previous=page > 1,
    )
