"""What the per-topic leaderboards need from events: the topics of events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from events.models import Event


def event_topics(ids: Sequence[int]) -> dict[int, list[int]]:
    """The topic ids of each event (members.hooks.SubjectTopics), in one query."""
    topics: dict[int, list[int]] = defaultdict(list)
    pairs = Event.objects.filter(pk__in=ids, topics__isnull=False).values_list("pk", "topics")
    for event_id, topic_id in pairs:
        topics[event_id].append(topic_id)
    return {event_id: sorted(topic_ids) for event_id, topic_ids in topics.items()}
