"""Whom a moderator may reward: forum-wide moderators and staff anyone; category moderators
within their categories. The forum knows posts and categories, so it answers through the
RewardScope hook (members.hooks, registered in config/wiring.py)."""

from __future__ import annotations

from members import hooks
from members.models import User
from members.policies import Viewer, is_moderator, may_reward

OUT_OF_SCOPE = "You reward members only in the categories you moderate."


def reward_refusal(*, moderator: User, member_id: int, post_id: int | None) -> str:
    """Why `moderator` may not reward member `member_id` (about post `post_id`): "" when
    they may, "post" when the post is not a live post of that member, "scope" when it is
    outside what they moderate. Without the hook (members alone), forum-wide moderators
    reward from profiles only. The hook's cost: at most two queries."""
    scope = hooks.reward_scope()
    if scope is None:
        return "" if post_id is None and is_moderator(moderator) else "scope"
    return scope(moderator, member_id, post_id)


def may_reward_member(*, viewer: Viewer, member: User, post_id: int | None = None) -> bool:
    """Whether the viewer may reward this member (about this post): what a Reward control
    asks before it shows, so it never offers what the service refuses. No query for anyone
    who moderates nothing, nor for forum-wide moderators from a profile."""
    if not isinstance(viewer, User) or not may_reward(viewer) or viewer.pk == member.pk:
        return False
    return reward_refusal(moderator=viewer, member_id=member.pk, post_id=post_id) == ""
