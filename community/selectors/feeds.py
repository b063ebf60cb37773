"""For you: threads ranked for a member, each with the reason it was picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from community import policies
from community.models import Post, ReadState, Subscription, Thread
from community.selectors.threads import (
    LIST_RELATED,
    ThreadRow,
    _topics_prefetch,
    muted_category_ids,
    thread_row,
)
from members.models import User

FOR_YOU_CANDIDATES = 300
FOR_YOU_WINDOW = timedelta(days=60)
FOR_YOU_SIZE = 30


@dataclass(frozen=True)
class Recommendation:
    """A thread picked for a member, why, and its score."""

    thread: Thread
    reason: str
    score: float


def for_you(*, member: User) -> list[Recommendation]:
    """Threads ranked for this member, each with a one-line reason (see _rank)."""
    return _rank(member)[0]


@dataclass
class _Candidate:
    """What ranking reads of a candidate thread (no joined rows: 300 are scored, 30 shown)."""

    id: int
    category_id: int
    kind: str
    solution_id: int | None
    post_count: int
    last_published_number: int
    last_activity_at: datetime
    topic_ids: list[int]


def _rank(member: User) -> tuple[list[Recommendation], dict[int, int]]:
    """Threads ranked for this member, each with a one-line reason, and the member's read
    markers of the candidates (thread id -> last post number read).

    Signals: their topics (strongest), categories they watch or post in, questions at their
    level that nobody answered, and freshness; never the member's own threads, nothing from
    categories they muted. The latest FOR_YOU_CANDIDATES visible threads are scored from
    their columns alone; only the FOR_YOU_SIZE picked are loaded with what a row shows.
    Eight queries whatever the community's size.
    """
    followed = dict(member.topics.values_list("id", "name"))
    watched_categories = set(
        Subscription.objects.filter(
            member=member, category__isnull=False, level=Subscription.Level.WATCHING
        ).values_list("category_id", flat=True)
    )
    posted_categories = set(
        Post.objects.filter(author=member)
        .order_by("-created_at")
        .values_list("thread__category_id", flat=True)[:50]
    )
    now = timezone.now()
    rows = list(
        policies.visible_threads(member)
        .filter(last_activity_at__gte=now - FOR_YOU_WINDOW)
        .exclude(author=member)  # a member's own threads are never recommended to them
        .exclude(category_id__in=muted_category_ids(member))
        .order_by("-last_activity_at", "-id")
        .values_list(
            "id",
            "category_id",
            "kind",
            "solution_id",
            "post_count",
            "last_published_number",
            "last_activity_at",
        )[:FOR_YOU_CANDIDATES]
    )
    ids = [row[0] for row in rows]
    topics: dict[int, list[int]] = {}
    for thread_id, topic_id in Thread.topics.through.objects.filter(thread_id__in=ids).values_list(
        "thread_id", "topic_id"
    ):
        topics.setdefault(thread_id, []).append(topic_id)
    candidates = [_Candidate(*row, topic_ids=topics.get(row[0], [])) for row in rows]
    read = dict(
        ReadState.objects.filter(member=member, thread_id__in=ids).values_list(
            "thread_id", "last_read_number"
        )
    )
    helper = member.skill_level in ("advanced", "expert")
    scored: list[tuple[float, datetime, int, str, int | None]] = []
    for candidate in candidates:
        age_days = (now - candidate.last_activity_at).total_seconds() / 86400
        score = 1.0 / (1.0 + age_days / 3)
        reason, reason_topic = "New this week" if age_days < 7 else "Active lately", None
        if candidate.category_id in posted_categories:
            score, reason = score + 1.0, "posted"
        if candidate.category_id in watched_categories:
            score, reason = score + 1.5, "watched"
        is_open = candidate.kind == Thread.Kind.QUESTION and candidate.solution_id is None
        if helper and is_open and candidate.post_count == 1:
            score, reason = score + 1.5, "An open question you could answer"
        shared = [topic_id for topic_id in candidate.topic_ids if topic_id in followed]
        if shared:
            score += 2.0 + 0.5 * (len(shared) - 1)
            reason, reason_topic = "topic", shared[0]
        seen = read.get(candidate.id)
        if seen is not None and seen >= candidate.last_published_number:
            score -= 1.5
        scored.append(
            (round(score, 3), candidate.last_activity_at, candidate.id, reason, reason_topic)
        )
    scored.sort(key=lambda item: (-item[0], -item[1].timestamp()))
    picked = scored[:FOR_YOU_SIZE]
    threads = (
        Thread.objects.filter(pk__in=[item[2] for item in picked])
        .select_related(*LIST_RELATED)
        .prefetch_related(_topics_prefetch())
        .in_bulk()
    )
    ranked = []
    for score, _, picked_id, reason, reason_topic_id in picked:
        thread = threads[picked_id]
        if reason == "posted":
            reason = f"Active in {thread.category.name}, where you post"
        elif reason == "watched":
            reason = f"New in {thread.category.name}, which you watch"
        elif reason == "topic":
            reason = f"Because you follow {followed[reason_topic_id or 0]}"
        ranked.append(Recommendation(thread=thread, reason=reason, score=score))
    return ranked, read


@dataclass(frozen=True)
class ForYouScreen:
    """The For you page (and its API twin): ranked threads, each with its reason."""

    rows: list[ThreadRow]


def get_for_you_screen(*, member: User) -> ForYouScreen:
    """Threads picked for the member (see for_you), as list rows with unread markers."""
    picks, read = _rank(member)
    return ForYouScreen(
        rows=[
            thread_row(pick.thread, read_numbers=read, shows_unread=True, reason=pick.reason)
            for pick in picks
        ]
    )
