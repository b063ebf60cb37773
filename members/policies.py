"""Who may see what of a member: the one place pages, API, search and emails ask."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from members.exceptions import SuspendedError
from members.models import ProfileVisibility, User

Viewer = User | AnonymousUser


def is_member(viewer: Viewer) -> bool:
    """A signed-in, active account with a verified email address.

    Anything less (a visitor, an unverified account however it got a session or an API
    token) sees exactly what a visitor sees. Reads only the user row: no query.
    """
    return isinstance(viewer, User) and viewer.is_active and viewer.has_verified_email


def visible_members(viewer: Viewer) -> QuerySet[User]:
    """Active members whose profile the viewer may open."""
    members = User.objects.filter(is_active=True)
    if not is_member(viewer):
        members = members.filter(profile_visibility=ProfileVisibility.EVERYONE)
    return members


def hidden_members(viewer: Viewer, prefix: str = "") -> Q:
    """The complement of visible_members, as a filter on `prefix`-related members: a list
    counts its rows, then takes away the few whose member is hidden (deactivated, and for a
    visitor members-only profiles too) without joining every row to its member."""
    hidden = Q(**{f"{prefix}is_active": False})
    if not is_member(viewer):
        hidden |= ~Q(**{f"{prefix}profile_visibility": ProfileVisibility.EVERYONE})
    return hidden


def can_view_profile(viewer: Viewer, member: User) -> bool:
    """Public profiles for everyone, members-only ones for members; always one's own."""
    if not member.is_active:
        return False
    return (
        member.profile_visibility == ProfileVisibility.EVERYONE
        or is_member(viewer)
        or (isinstance(viewer, User) and viewer.pk == member.pk)
    )


def can_see_birthday(viewer: Viewer, member: User) -> bool:
    """Shown when the member chose so; always to the member themself."""
    return member.shows_birthday or (viewer.is_authenticated and viewer.pk == member.pk)


def can_edit_profile(viewer: Viewer, member: User) -> bool:
    """Only the member edits their profile (staff use the admin, which is audited)."""
    return bool(viewer.is_authenticated and viewer.pk == member.pk)


def is_moderator(viewer: Viewer) -> bool:
    """A forum-wide moderator: a member (email verified) who is staff or holds the moderator
    role and is not suspended (a suspended moderator's powers wait for the suspension to
    end; staff's never do). Category moderators are community's business
    (community.policies.can_moderate). Reads only the user row: no query."""
    return (
        is_member(viewer)
        and isinstance(viewer, User)
        and (viewer.is_staff or (viewer.is_moderator and not viewer.is_suspended))
    )


def may_reward(viewer: Viewer) -> bool:
    """Moderators of any kind reward members: forum-wide ones and staff, and category
    moderators (whose rewards stop at their categories: members.hooks.RewardScope). Reads
    only the user row: no query."""
    return is_moderator(viewer) or (
        is_member(viewer)
        and isinstance(viewer, User)
        and viewer.moderates_categories
        and not viewer.is_suspended
    )


def is_staff(viewer: Viewer) -> bool:
    """Staff who are members: they appoint moderators and read the audit log."""
    return is_member(viewer) and isinstance(viewer, User) and viewer.is_staff


def is_suspended(viewer: Viewer) -> bool:
    """Suspended right now (the suspension ends on time by itself). No query."""
    return isinstance(viewer, User) and viewer.is_suspended


def suspension_notice(member: Viewer) -> str:
    """Why and until when the member is suspended, in their own time zone ("" when not)."""
    if not isinstance(member, User) or not member.is_suspended or member.suspended_until is None:
        return ""
    if member.is_suspended_for_good:
        until = "until a moderator lifts it"
    else:
        local = member.suspended_until.astimezone(zoneinfo.ZoneInfo(member.time_zone))
        until = f"until {local:%-d %b %Y, %H:%M} ({member.time_zone})"
    reason = member.suspension_reason or "no reason given"
    return f"Your account is suspended {until}. Reason: {reason}. You can still read."


def ensure_not_suspended(member: Viewer) -> None:
    """The one check every write path (post, react, flag, register, ask, vote) makes.

    Raises SuspendedError with the reason and the end of the suspension. No query.
    """
    if isinstance(member, User) and member.is_suspended:
        raise SuspendedError(suspension_notice(member))


def can_grant_tiers(viewer: Viewer) -> bool:
    """Staff put members in tiers by hand (paid or honorary VIPs)."""
    return is_member(viewer) and isinstance(viewer, User) and viewer.is_staff


def can_see_points(viewer: Viewer, member: User) -> bool:
    """A member's points history is their own (and staff's, who answer questions on it)."""
    return (
        isinstance(viewer, User)
        and is_member(viewer)
        and (viewer.pk == member.pk or viewer.is_staff)
    )
