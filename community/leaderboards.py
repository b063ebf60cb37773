"""What the per-topic leaderboards need from the forum: the topics of posts (their thread's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from community.models import Post


def post_topics(ids: Sequence[int]) -> dict[int, list[int]]:
    """The topic ids of each post's thread (members.hooks.SubjectTopics), in one query."""
    topics: dict[int, list[int]] = defaultdict(list)
    pairs = Post.objects.filter(pk__in=ids, thread__topics__isnull=False).values_list(
        "pk", "thread__topics"
    )
    for post_id, topic_id in pairs:
        topics[post_id].append(topic_id)
    return {post_id: sorted(topic_ids) for post_id, topic_ids in topics.items()}
