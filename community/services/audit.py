"""The audit log's one writer: every moderator and staff action records itself here, in the
same transaction as the change, so a rolled-back action leaves no row and a committed one
exactly one."""

from __future__ import annotations

from typing import Any

from community.models import Category, ModerationAction, Post, Thread
from members.models import User


def record_action(
    *,
    actor: User,
    action: str,
    target: str,
    category: Category | int | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
    member: User | int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ModerationAction:
    """Append one audit row. Call it from inside the action's transaction."""
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        target=target[:200],
        category_id=category if isinstance(category, int) or category is None else category.pk,
        thread=thread,
        post=post,
        member_id=member if isinstance(member, int) or member is None else member.pk,
        reason=reason,
        before=before,
        after=after,
    )
