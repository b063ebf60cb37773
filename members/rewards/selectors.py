"""What the reward form offers and what posts show: the manual badges a moderator may
give, and the public thank-yous under posts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from members.loyalty.models import Badge
from members.policies import Viewer, may_reward
from members.rewards.models import ModeratorReward

#: The points the reward form starts with (never above the per-reward cap).
DEFAULT_POINTS = 10


def default_points() -> int:
    """The points the reward form is prefilled with."""
    cap: int = settings.MODERATOR_REWARD_MAX_POINTS
    return min(DEFAULT_POINTS, cap)


@dataclass(frozen=True)
class RewardChoice:
    """A manual badge a moderator can give with a reward."""

    id: int
    name: str


def reward_badges(viewer: Viewer) -> tuple[RewardChoice, ...]:
    """The active manual badges, for a moderator's reward form (forum-wide or category:
    1 query; none for others)."""
    if not may_reward(viewer):
        return ()
    return tuple(
        RewardChoice(id=badge.pk, name=badge.name)
        for badge in Badge.objects.filter(is_active=True, rule=Badge.Rule.MANUAL).only(
            "id", "name", "position"
        )
    )


@dataclass(frozen=True)
class ThankYou:
    """A moderator's public thank-you under a post."""

    moderator: str
    text: str


def thank_yous_for(post_ids: Iterable[int]) -> dict[int, tuple[ThankYou, ...]]:
    """The public thank-yous of these posts, oldest first, of rewards not reversed
    (1 query; none without posts)."""
    ids = list(post_ids)
    if not ids:
        return {}
    found: dict[int, list[ThankYou]] = defaultdict(list)
    rows = (
        ModeratorReward.objects.filter(post_id__in=ids, reversed_at__isnull=True)
        .exclude(thank_you="")
        .order_by("created_at", "pk")
        .values_list("post_id", "moderator__handle", "thank_you")
    )
    for post_id, handle, text in rows:
        assert post_id is not None  # noqa: S101  # filtered on post_id__in
        found[post_id].append(ThankYou(moderator=handle or "", text=text))
    return {post_id: tuple(items) for post_id, items in found.items()}
