"""What a reward tells the member: a moderator rewarded them (points, a badge, or both).

Registered through config/wiring.py; the "reward" target resolves to the member's points."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from members.hooks import NotificationTarget
from members.models import EmailMode, User
from members.notifications.kinds import NotificationKind
from members.rewards.models import ModeratorReward

REWARD_NOTIFICATION = "moderator_reward"

REWARD_KINDS = [
    NotificationKind(
        REWARD_NOTIFICATION,
        "Moderator rewards",
        "A moderator rewards you with points or a badge.",
        EmailMode.IMMEDIATELY,
        text="A moderator rewarded you: {title}",
        group_text="A moderator rewarded you: {title}",
        icon="award",
    ),
]


def describe(reward: ModeratorReward) -> str:
    parts = []
    if reward.points:
        parts.append(f"{reward.points} point{'s' if reward.points != 1 else ''}")
    if reward.badge is not None:
        parts.append(f"the “{reward.badge.name}” badge")
    return " and ".join(parts)


def resolve_rewards(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Rewards as notification targets: what was given, linking to the member's points
    (1 query; only the member's own rewards)."""
    url = reverse("members:points")
    return {
        reward.pk: NotificationTarget(title=describe(reward), url=url)
        for reward in ModeratorReward.objects.filter(pk__in=ids, member=member).select_related(
            "badge"
        )
    }
