"""Reads for member pages and the API, shaped so a page costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.models import Topic
from members.hooks import export_sections, profile_sections
from members.models import MemberGoal, NotificationSetting, Tier, User
from members.notifications import KINDS
from members.policies import Viewer, can_view_profile, visible_members


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    skill_level: str = ""
    topic: str = ""
    goal: str = ""
    tier: str = ""


def _with_topics_and_goals(members: QuerySet[User]) -> QuerySet[User]:
    return members.select_related("tier").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name", "position")),
        Prefetch("goals", queryset=MemberGoal.objects.only("id", "member_id", "goal")),
    )


def list_members(*, viewer: Viewer, filters: DirectoryFilters) -> QuerySet[User]:
    """The member directory: who the viewer may see, filtered, most recently active first.

    Filters combine with AND. Each filter on a multi-valued relation is an EXISTS-free join
    narrowed to one value, so a member appears once.
    """
    members = visible_members(viewer)
    if filters.query:
        term = filters.query.strip().lstrip("@")
        members = members.filter(Q(handle__icontains=term) | Q(display_name__icontains=term))
    if filters.skill_level:
        members = members.filter(skill_level=filters.skill_level)
    if filters.topic:
        members = members.filter(topics__slug=filters.topic)
    if filters.goal:
        members = members.filter(goals__goal=filters.goal)
    if filters.tier:
        members = members.filter(tier__slug=filters.tier)
    return _with_topics_and_goals(members.order_by("-last_active_at", "-id"))


def get_profile_or_none(*, viewer: Viewer, handle: str) -> User | None:
    """The member with this handle (any letter case) if the viewer may see the profile."""
    member = _with_topics_and_goals(
        User.objects.filter(handle__iexact=handle, is_active=True)
    ).first()
    if member is None or not can_view_profile(viewer, member):
        return None
    return member


def list_topics() -> list[Topic]:
    return list(Topic.objects.only("slug", "name"))


def list_tiers() -> list[Tier]:
    return list(Tier.objects.only("slug", "name"))


def has_api_token(*, member: User) -> bool:
    from rest_framework.authtoken.models import Token

    return bool(Token.objects.filter(user=member).exists())


def get_notification_preferences(*, member: User) -> dict[str, tuple[bool, bool]]:
    """(by_email, on_site) for every registered kind, defaults where the member chose nothing."""
    chosen = {
        s.kind: (s.by_email, s.on_site) for s in NotificationSetting.objects.filter(member=member)
    }
    return {key: chosen.get(key, (kind.by_email, kind.on_site)) for key, kind in KINDS.items()}


def wants_notification(*, member: User, kind: str, channel: str) -> bool:
    """Whether `member` wants `kind` by `channel` ("email" or "site")."""
    by_email, on_site = get_notification_preferences(member=member)[kind]
    return by_email if channel == "email" else on_site


@dataclass(frozen=True)
class LoadedSection:
    name: str
    template: str
    data: Any


def profile_activity(*, member: User, viewer: Viewer) -> list[LoadedSection]:
    """The recent-activity blocks other apps contribute to the profile page, loaded."""
    return [LoadedSection(s.name, s.template, s.load(member, viewer)) for s in profile_sections()]


def export_member_data(*, member: User) -> dict[str, Any]:
    """Everything Hearth holds about the member, as JSON-ready data. Nobody else's data."""
    from allauth.account.models import EmailAddress

    profile = {
        "handle": member.handle,
        "email": member.email,
        "display_name": member.display_name,
        "headline": member.headline,
        "bio": member.bio,
        "skill_level": member.skill_level,
        "topics": sorted(member.topics.values_list("slug", flat=True)),
        "content_goals": sorted(member.goals.values_list("goal", flat=True)),
        "links": member.links,
        "time_zone": member.time_zone,
        "birthday": (
            {"month": member.birthday_month, "day": member.birthday_day}
            if member.birthday_month
            else None
        ),
        "shows_birthday": member.shows_birthday,
        "profile_visibility": member.profile_visibility,
        "tier": member.tier.name if member.tier else None,
        "date_joined": member.date_joined.isoformat(),
        "last_login": member.last_login.isoformat() if member.last_login else None,
        "avatar": member.avatar.url if member.avatar else None,
    }
    data: dict[str, Any] = {
        "profile": profile,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=member)
        ],
        "notification_preferences": {
            kind: {"email": by_email, "site": on_site}
            for kind, (by_email, on_site) in get_notification_preferences(member=member).items()
        },
    }
    for name, section in export_sections().items():
        data[name] = section(member)
    return data
