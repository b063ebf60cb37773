"""Writes with business rules for members: accounts, profiles, avatars, preferences."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import Topic
from members.avatars import process_avatar
from members.hooks import deletion_steps
from members.mentions import render_with_mentions
from members.models import GOAL_TOPICS, PROFILE_FIELDS, ContentGoal, MemberGoal, User
from members.validators import validate_birthday

ACTIVITY_RESOLUTION = timedelta(minutes=5)


@transaction.atomic
def rotate_api_token(*, member: User) -> Token:
    """Replace the member's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=member).delete()
    return Token.objects.create(user=member)


@transaction.atomic
def revoke_api_token(*, member: User) -> bool:
    """Delete the member's API token. False when there was none."""
    deleted, _ = Token.objects.filter(user=member).delete()
    return bool(deleted)


@transaction.atomic
def update_profile(
    *,
    member: User,
    fields: Mapping[str, Any],
    topics: Iterable[Topic] | None = None,
    goals: Iterable[str] | None = None,
) -> User:
    """Change the member's own profile. Unknown keys are a programming error.

    Renders the bio through the one Markdown sanitiser. Raises ValidationError for an
    impossible birthday. Topics and goals, when given, replace the current ones.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    validate_birthday(member.birthday_month, member.birthday_day)
    if "bio" in fields:
        member.bio_html = render_with_mentions(member.bio)[0].html if member.bio else ""
    update_fields = [*fields, "bio_html"] if "bio" in fields else list(fields)
    if update_fields:
        member.save(update_fields=update_fields)
    if topics is not None or goals is not None:
        _set_interests(member=member, topics=topics, goals=goals)
    return member


def _set_interests(
    *, member: User, topics: Iterable[Topic] | None, goals: Iterable[str] | None
) -> None:
    """Topics and content goals as one vocabulary: what a member creates is a content goal,
    and following the craft's topic (GOAL_TOPICS: "Videos" and the topic "Video") is kept
    in step with it. A craft topic given among `topics` becomes its goal; the goals decide
    the craft topics followed. None leaves that side as it is."""
    craft = {slug: goal for goal, slug in GOAL_TOPICS.items()}
    chosen = list(topics) if topics is not None else None
    wanted_goals = (
        set(goals) if goals is not None else set(member.goals.values_list("goal", flat=True))
    )
    if chosen is not None:
        wanted_goals |= {craft[topic.slug] for topic in chosen if topic.slug in craft}
    set_goals(member=member, goals=wanted_goals)
    subjects = (
        [topic for topic in chosen if topic.slug not in craft]
        if chosen is not None
        else list(member.topics.exclude(slug__in=craft))
    )
    crafts = Topic.objects.filter(
        slug__in=[GOAL_TOPICS[g] for g in wanted_goals if g in GOAL_TOPICS]
    )
    member.topics.set([*subjects, *crafts])


def set_goals(*, member: User, goals: Iterable[str]) -> None:
    """Replace the member's content goals with `goals` (values of ContentGoal)."""
    wanted = set(goals)
    invalid = wanted - set(ContentGoal.values)
    if invalid:
        raise ValueError(f"unknown content goals: {sorted(invalid)}")
    MemberGoal.objects.filter(member=member).exclude(goal__in=wanted).delete()
    existing = set(MemberGoal.objects.filter(member=member).values_list("goal", flat=True))
    MemberGoal.objects.bulk_create(
        [MemberGoal(member=member, goal=goal) for goal in sorted(wanted - existing)],
        ignore_conflicts=True,
    )


@transaction.atomic
def complete_onboarding(
    *,
    member: User,
    skill_level: str,
    topics: Iterable[Topic],
    goals: Iterable[str],
    time_zone: str,
    display_name: str | None = None,
    avatar: IO[bytes] | None = None,
    avatar_size: int | None = None,
) -> User:
    """Record the onboarding answers; the member is not asked again. A display name and an
    avatar are optional (None: left as they are; a blank name shows the handle).

    Raises AvatarError for an avatar that is not a usable image: then nothing is saved.
    """
    fields: dict[str, Any] = {"skill_level": skill_level, "time_zone": time_zone}
    if display_name is not None:
        fields["display_name"] = display_name
    update_profile(member=member, fields=fields, topics=topics, goals=goals)
    if avatar is not None:
        set_avatar(member=member, upload=avatar, size=avatar_size)
    return skip_onboarding(member=member)


def skip_onboarding(*, member: User) -> User:
    """Mark onboarding done without answers (they can be given later in settings)."""
    if member.onboarded_at is None:
        member.onboarded_at = timezone.now()
        User.objects.filter(pk=member.pk, onboarded_at__isnull=True).update(
            onboarded_at=member.onboarded_at
        )
    return member


@transaction.atomic
def set_avatar(*, member: User, upload: IO[bytes], size: int | None) -> User:
    """Store a new avatar (256 and 64 px squares, no metadata); the old files go after commit.

    Raises AvatarError and stores nothing when the upload is not a usable image.
    """
    processed = process_avatar(upload, size=size)
    stem = f"avatars/{member.pk}/{uuid.uuid4().hex}"
    old_names = [name for name in (member.avatar.name, member.avatar_small.name) if name]
    large_name = default_storage.save(f"{stem}-256.webp", ContentFile(processed.large))
    small_name = default_storage.save(f"{stem}-64.webp", ContentFile(processed.small))
    transaction.on_commit(lambda: _delete_files(old_names))
    member.avatar.name = large_name
    member.avatar_small.name = small_name
    try:
        member.save(update_fields=["avatar", "avatar_small"])
    except Exception:
        _delete_files([large_name, small_name])
        raise
    return member


@transaction.atomic
def remove_avatar(*, member: User) -> User:
    """Go back to the generated initials avatar."""
    old_names = [name for name in (member.avatar.name, member.avatar_small.name) if name]
    member.avatar.name = ""
    member.avatar_small.name = ""
    member.save(update_fields=["avatar", "avatar_small"])
    transaction.on_commit(lambda: _delete_files(old_names))
    return member


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


def sync_verified_email(*, user_id: int) -> None:
    """Set User.has_verified_email from the member's EmailAddress rows, in one UPDATE.

    Called whenever an address is saved or deleted (members.signals). The value is computed
    inside the UPDATE, so it reflects the rows as the statement sees them, not a stale read.
    A missing user (deleted in the same transaction) is a no-op.
    """
    User.objects.filter(pk=user_id).update(
        has_verified_email=Exists(
            EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True)
        )
    )


def record_activity(*, member_id: int) -> bool:
    """Note that the member was active now. Writes at most once per ACTIVITY_RESOLUTION."""
    now = timezone.now()
    return bool(
        User.objects.filter(pk=member_id, last_active_at__lt=now - ACTIVITY_RESOLUTION).update(
            last_active_at=now
        )
    )


@transaction.atomic
def delete_account(*, member: User) -> None:
    """Erase the member: the account row and every personal field go.

    What they wrote in the community stays, attributed to "former member" (content keeps
    a NULL author). Avatar files are removed after commit.
    """
    files = [name for name in (member.avatar.name, member.avatar_small.name) if name]
    for step in deletion_steps():
        step(member)
    User.objects.filter(pk=member.pk).delete()
    transaction.on_commit(lambda: _delete_files(files))
