"""The one-click moderation actions, by (kind, action) name: what the queue's forms and the
moderation API both send. Parses the few extra fields an action needs and calls its service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from community.exceptions import ModerationError
from community.services import moderation, posting
from members.models import User


def int_or_none(value: Any) -> int | None:
    """A non-negative id or count from a form field (text) or a JSON body (a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**11 else None
    text = value if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _until(days: int | None) -> datetime | None:
    """A suspension's end from a number of days (0: for good)."""
    return None if not days else timezone.now() + timedelta(days=days)


def _approve(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.approve_post(moderator=m, post_id=pk, reason=reason)
    return "Approved: the post is up."


def _hide(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.hide_post(moderator=m, post_id=pk, reason=reason)
    return "Hidden: only its author and moderators see it now."


def _delete(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.delete_flagged_post(moderator=m, post_id=pk, reason=reason)
    return "Deleted. Restore it from the thread if that was a mistake."


def _restore(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.restore_post(moderator=m, post_id=pk, reason=reason)
    return "Restored."


def _lock(m: User, pk: int, reason: str, data: Any) -> str:
    thread = posting.set_thread_state(
        moderator=m, thread_id=pk, is_locked=data.get("value") != "off", reason=reason
    )
    return "Locked." if thread.is_locked else "Unlocked."


def _move(m: User, pk: int, reason: str, data: Any) -> str:
    category = int_or_none(data.get("category"))
    if category is None:
        raise ModerationError("Choose the category to move it to.", field="category")
    thread = moderation.move_thread(moderator=m, thread_id=pk, category_id=category, reason=reason)
    return f"Moved to {thread.category.name}."


def _merge(m: User, pk: int, reason: str, data: Any) -> str:
    into = int_or_none(data.get("into"))
    if into is None:
        raise ModerationError("Give the number of the thread to merge into.", field="into")
    moderation.merge_threads(moderator=m, thread_id=pk, into_thread_id=into, reason=reason)
    return "Merged."


def _unmerge(m: User, pk: int, reason: str, data: Any) -> str:
    thread = moderation.unmerge_threads(actor=m, action_id=pk, reason=reason)
    return f"Merge undone: “{thread.title}” is back."


def _dismiss_thread(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.dismiss_flags(moderator=m, thread_id=pk, reason=reason)
    return "Flags dismissed: the thread stays as it is."


def _dismiss_profile(m: User, pk: int, reason: str, data: Any) -> str:
    moderation.dismiss_flags(moderator=m, member_id=pk, reason=reason)
    return "Flags dismissed: the profile stays as it is."


def _warn(m: User, pk: int, reason: str, data: Any) -> str:
    about = int_or_none(data.get("post"))
    moderation.warn_member(moderator=m, member_id=pk, reason=reason, post_id=about)
    return "Warning sent."


def _suspend(m: User, pk: int, reason: str, data: Any) -> str:
    days = int_or_none(data.get("days"))
    if days is None:
        raise ModerationError("Choose how long.", field="days")
    member = moderation.suspend_member(moderator=m, member_id=pk, reason=reason, until=_until(days))
    return f"@{member.handle} is suspended."


def _unsuspend(m: User, pk: int, reason: str, data: Any) -> str:
    member = moderation.unsuspend_member(moderator=m, member_id=pk, reason=reason)
    return f"@{member.handle} can post again."


ACTIONS: dict[tuple[str, str], Callable[[User, int, str, Any], str]] = {
    ("post", "approve"): _approve,
    ("post", "hide"): _hide,
    ("post", "delete"): _delete,
    ("post", "restore"): _restore,
    ("thread", "lock"): _lock,
    ("thread", "move"): _move,
    ("thread", "merge"): _merge,
    ("thread", "dismiss"): _dismiss_thread,
    ("audit", "unmerge"): _unmerge,  # the id is the merge's audit row (staff only)
    ("profile", "dismiss"): _dismiss_profile,
    ("member", "warn"): _warn,
    ("member", "suspend"): _suspend,
    ("member", "unsuspend"): _unsuspend,
}


def perform(
    member: User,
    *,
    kind: str,
    action: str,
    target: int | None,
    reason: str,
    data: Mapping[str, Any],
) -> str:
    """Do one action; returns what to tell the moderator. Raises ModerationError (unknown
    action), the services' DomainErrors and DoesNotExist (invisible targets)."""
    handler = ACTIONS.get((kind, action))
    if handler is None or target is None:
        raise ModerationError("Unknown action.", field="action")
    return handler(member, target, reason, data)
