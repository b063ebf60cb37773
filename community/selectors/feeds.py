"""For you: threads ranked for a member, each with the reason it was picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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


def _rank(member: User) -> tuple[list[Recommendation], dict[int, int]]:
    """Threads ranked for this member, each with a one-line reason, and the member's read
    markers of the candidates (thread id -> last post number read).

    Signals: their topics (strongest), categories they watch or post in, questions at their
    level that nobody answered, and freshness; never the member's own threads. Costs five
    queries whatever the community's size: the candidates are the latest FOR_YOU_CANDIDATES
    visible threads.
    """
    topic_ids = set(member.topics.values_list("id", flat=True))
    watched_categories = set(
        Subscription.objects.filter(member=member, category__isnull=False).values_list(
            "category_id", flat=True
        )
    )
    posted_categories = set(
        Post.objects.filter(author=member)
        .order_by("-created_at")
        .values_list("thread__category_id", flat=True)[:50]
    )
    now = timezone.now()
    candidates = list(
        policies.visible_threads(member)
        .filter(last_activity_at__gte=now - FOR_YOU_WINDOW)
        .exclude(author=member)  # a member's own threads are never recommended to them
        .exclude(category_id__in=muted_category_ids(member))
        .select_related(*LIST_RELATED)
        .prefetch_related(_topics_prefetch())
        .order_by("-last_activity_at", "-id")[:FOR_YOU_CANDIDATES]
    )
    read = dict(
        ReadState.objects.filter(member=member, thread__in=[t.pk for t in candidates]).values_list(
            "thread_id", "last_read_number"
        )
    )
    helper = member.skill_level in ("advanced", "expert")
    ranked = []
    for thread in candidates:
        age_days = (now - thread.last_activity_at).total_seconds() / 86400
        freshness = 1.0 / (1.0 + age_days / 3)
        shared = [t for t in thread.topics.all() if t.pk in topic_ids]
        score, reason = freshness, "New this week" if age_days < 7 else "Active lately"
        if thread.category_id in posted_categories:
            score, reason = score + 1.0, f"Active in {thread.category.name}, where you post"
        if thread.category_id in watched_categories:
            score, reason = score + 1.5, f"New in {thread.category.name}, which you watch"
        if helper and thread.is_question and not thread.is_solved and thread.post_count == 1:
            score, reason = score + 1.5, "An open question you could answer"
        if shared:
            score += 2.0 + 0.5 * (len(shared) - 1)
            reason = f"Because you follow {shared[0].name}"
        seen = read.get(thread.pk)
        if seen is not None and seen >= thread.post_count:
            score -= 1.5
        ranked.append(Recommendation(thread=thread, reason=reason, score=round(score, 3)))
    ranked.sort(key=lambda r: (-r.score, -r.thread.last_activity_at.timestamp()))
    return ranked[:FOR_YOU_SIZE], read


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
