"""For you: threads ranked for a member, each with the reason it was picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from community import policies
from community.models import Post, ReadState, Subscription, Thread
from community.selectors.threads import LIST_RELATED, _topics_prefetch
from members.models import User

FOR_YOU_CANDIDATES = 300
FOR_YOU_WINDOW = timedelta(days=60)
FOR_YOU_SIZE = 30


@dataclass(frozen=True)
class Recommendation:
    thread: Thread
    reason: str
    score: float


def for_you(*, member: User) -> list[Recommendation]:
    """Threads ranked for this member, each with a one-line reason.

    Signals: their topics (strongest), categories they watch or post in, questions at their
    level that nobody answered, and freshness. Costs five queries whatever the community's
    size: the candidates are the latest FOR_YOU_CANDIDATES visible threads.
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
        if thread.author_id == member.pk:
            score -= 2.0
        seen = read.get(thread.pk)
        if seen is not None and seen >= thread.post_count:
            score -= 1.5
        ranked.append(Recommendation(thread=thread, reason=reason, score=round(score, 3)))
    ranked.sort(key=lambda r: (-r.score, -r.thread.last_activity_at.timestamp()))
    return ranked[:FOR_YOU_SIZE]
