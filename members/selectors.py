"""Reads for member pages and the API, shaped so a page costs a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from core.models import Topic
from members.hooks import export_sections, profile_sections
from members.loyalty.models import BadgeAward
from members.models import ContentGoal, MemberGoal, NotificationSetting, SkillLevel, Tier, User
from members.notifications import KINDS
from members.policies import (
    Viewer,
    can_edit_profile,
    can_see_birthday,
    can_view_profile,
    visible_members,
)
from members.rewards.policies import may_reward_member
from members.rewards.selectors import RewardChoice, default_points, reward_badges

DIRECTORY_PAGE_SIZE = 24


@dataclass(frozen=True)
class DirectoryFilters:
    """What narrows the directory; empty values mean "any"."""

    query: str = ""
    skill_level: str = ""
    topic: str = ""
    goal: str = ""
    tier: str = ""

    @property
    def is_filtered(self) -> bool:
        return any(vars(self).values())


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
    member = _with_topics_and_goals(members_with_handle(handle).filter(is_active=True)).first()
    if member is None or not can_view_profile(viewer, member):
        return None
    return member


def list_topics() -> list[Topic]:
    """Every topic, in the taxonomy's order."""
    return list(Topic.objects.only("slug", "name"))


def list_tiers() -> list[Tier]:
    """Every tier, lowest first."""
    return list(Tier.objects.only("slug", "name"))


@dataclass(frozen=True)
class DirectoryScreen:
    """The member directory (page and API): a page of members and the filter choices.

    The filter choices are lazy querysets: the page's form reads them (one query each), the
    API, which shows no form, never does.
    """

    page: Page[User]
    filters: DirectoryFilters
    topics: QuerySet[Topic]
    tiers: QuerySet[Tier]
    skill_levels: list[tuple[str, str]]
    goals: list[tuple[str, str]]

    @property
    def goal_labels(self) -> dict[str, str]:
        return dict(self.goals)


def get_directory_screen(
    *, viewer: Viewer, filters: DirectoryFilters, page: int
) -> DirectoryScreen:
    """Page `page` of the directory (a page past the end shows the last) with the filter
    choices. A fixed number of queries: count, members, their topics and goals (and, when
    the page's form reads them, topics and tiers)."""
    members = list_members(viewer=viewer, filters=filters)
    return DirectoryScreen(
        page=Paginator(members, DIRECTORY_PAGE_SIZE).get_page(page),
        filters=filters,
        topics=Topic.objects.only("slug", "name"),
        tiers=Tier.objects.only("slug", "name"),
        skill_levels=list(SkillLevel.choices),
        goals=list(ContentGoal.choices),
    )


@dataclass(frozen=True)
class ProfileScreen:
    """A member's profile page (and the API's member detail): everything it shows."""

    member: User
    topics: list[Topic]
    goals: list[str]
    shows_birthday: bool
    is_own_profile: bool
    can_edit: bool
    activity: list[LoadedSection]
    badges: list[BadgeAward]
    #: The viewer may reward this member from the profile (a forum-wide moderator; a category
    #: moderator when the member posted in their categories); the badges their form offers.
    can_reward: bool = False
    reward_badges: tuple[RewardChoice, ...] = ()
    reward_points: int = 0


def get_profile_screen(*, viewer: Viewer, handle: str) -> ProfileScreen:
    """The profile of the member with this handle (any letter case), with the activity
    blocks other apps contribute. Raises User.DoesNotExist when there is no such active
    member or the viewer may not see the profile."""
    member = get_profile_or_none(viewer=viewer, handle=handle)
    if member is None:
        raise User.DoesNotExist
    is_own = bool(viewer.is_authenticated and viewer.pk == member.pk)
    can_reward = may_reward_member(viewer=viewer, member=member)
    return ProfileScreen(
        member=member,
        topics=list(member.topics.all()),
        goals=[ContentGoal(g.goal).label for g in member.goals.all()],
        shows_birthday=bool(can_see_birthday(viewer, member) and member.birthday_month),
        is_own_profile=is_own,
        can_edit=can_edit_profile(viewer, member),
        activity=profile_activity(member=member, viewer=viewer),
        badges=list(
            BadgeAward.objects.filter(member=member, badge__is_active=True)
            .select_related("badge")
            .order_by("badge__position", "badge__name")
        ),
        can_reward=can_reward,
        reward_badges=reward_badges(viewer) if can_reward else (),
        reward_points=default_points() if can_reward else 0,
    )


def has_api_token(*, member: User) -> bool:
    """Whether the member has an API token (the key itself is shown once, at creation)."""
    from rest_framework.authtoken.models import Token

    return bool(Token.objects.filter(user=member).exists())


def members_with_handle(handle: str) -> QuerySet[User]:
    """The account whose handle is `handle` in any letter case: the one lookup by handle
    (profile page, API, author filters), on the unique Lower(handle) index."""
    return User.objects.alias(handle_lower=Lower("handle")).filter(handle_lower=handle.lower())


#: Suggestions the @mention autocomplete offers at most.
MENTION_SUGGESTIONS = 8
_HANDLE_PREFIX = re.compile(r"[A-Za-z0-9_]{1,30}")


def list_mentionable_members(*, writer: User, prefix: str) -> list[User]:
    """Members `writer` may @mention whose handle (or display name) starts with `prefix`,
    most recently active first, at most MENTION_SUGGESTIONS: the people whose profile the
    writer may open, never the writer. One bounded query (LIMIT); nothing for a prefix that
    cannot start a handle."""
    if not _HANDLE_PREFIX.fullmatch(prefix):
        return []
    return list(
        visible_members(writer)
        .alias(handle_lower=Lower("handle"))
        .filter(Q(handle_lower__startswith=prefix.lower()) | Q(display_name__istartswith=prefix))
        .exclude(pk=writer.pk)
        .only("id", "handle", "display_name", "avatar_small", "is_active", "profile_visibility")
        .order_by("-last_active_at", "-id")[:MENTION_SUGGESTIONS]
    )


def get_notification_preferences(*, member: User) -> dict[str, tuple[str, bool]]:
    """(email mode, on site) for every registered kind, defaults where the member chose
    nothing. One query."""
    chosen = {
        s.kind: (s.email, s.on_site) for s in NotificationSetting.objects.filter(member=member)
    }
    return {
        key: chosen.get(key, (kind.email_default, kind.on_site_default))
        for key, kind in KINDS.items()
    }


@dataclass(frozen=True)
class LoadedSection:
    """A profile block with its data loaded."""

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
            kind: {"email": email, "site": on_site}
            for kind, (email, on_site) in get_notification_preferences(member=member).items()
        },
        "digest": {"frequency": member.digest_frequency, "weekday": member.digest_weekday},
    }
    for name, section in export_sections().items():
        data[name] = section(member)
    return data
