"""Members flag posts, threads and profiles: once per item (the database decides). Enough
flags on a post from established members hide it until a moderator reviews it."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from community import policies, search
from community.exceptions import (
    AlreadyFlaggedError,
    FlagNotAllowedError,
    PostingNotAllowedError,
)
from community.models import Flag, Post
from community.services import trust
from core.params import without_control_characters
from members.models import User
from members.policies import can_view_profile, ensure_not_suspended, is_member

MAX_FLAG_TEXT = 500


def _clean(member: User, reason: str, text: str) -> tuple[str, str]:
    ensure_not_suspended(member)
    if not is_member(member):
        raise PostingNotAllowedError("Verify your email address before you flag.")
    if reason not in Flag.Reason.values:
        raise FlagNotAllowedError(
            "Choose a reason: spam, off-topic, abusive or something else.", field="reason"
        )
    clean_text = " ".join(without_control_characters(text).split())[:MAX_FLAG_TEXT]
    if reason == Flag.Reason.OTHER and not clean_text:
        raise FlagNotAllowedError("Tell the moderators what is wrong.", field="text")
    return reason, clean_text


def _create(**fields: object) -> Flag:
    try:
        with transaction.atomic():
            return Flag.objects.create(**fields)
    except IntegrityError as error:  # flag_once_per_*: the database decides "once"
        raise AlreadyFlaggedError(
            "You already flagged this; moderators will look at it."
        ) from error


@transaction.atomic
def flag_post(*, member: User, post_id: int, reason: str, text: str = "") -> Flag:
    """Flag someone else's post. When flags from established members (not new) reach
    MODERATION_FLAGS_TO_HIDE, the post is hidden until a moderator reviews it.

    Raises SuspendedError, FlagNotAllowedError, AlreadyFlaggedError, Post.DoesNotExist."""
    reason, clean_text = _clean(member, reason, text)
    post = (
        policies.visible_posts(member)
        .select_for_update(of=("self",))  # serialises the count that hides the post
        .select_related("thread")
        .get(pk=post_id)
    )
    if post.author_id == member.pk:
        raise FlagNotAllowedError("You can't flag your own post; edit or delete it instead.")
    if post.is_deleted:
        raise FlagNotAllowedError("This post was deleted already.")
    flag = _create(reporter=member, post=post, reason=reason, text=clean_text)
    if post.status == Post.Status.PUBLISHED and _established_flag_count(post) >= (
        settings.MODERATION_FLAGS_TO_HIDE
    ):
        post.status = Post.Status.HIDDEN
        post.status_reason = "Hidden after flags from members, until a moderator reviews it"
        post.save(update_fields=["status", "status_reason"])
        search.index_post(post_id=post.pk)
    return flag


def _established_flag_count(post: Post) -> int:
    reporters = User.objects.filter(
        pk__in=Flag.objects.filter(post=post, status=Flag.Status.OPEN).values("reporter_id")
    )
    return sum(1 for reporter in reporters if not trust.is_new_member(reporter))


@transaction.atomic
def flag_thread(*, member: User, thread_id: int, reason: str, text: str = "") -> Flag:
    """Flag someone else's thread (its title, or where it is). Raises SuspendedError,
    FlagNotAllowedError, AlreadyFlaggedError, Thread.DoesNotExist."""
    reason, clean_text = _clean(member, reason, text)
    thread = policies.visible_threads(member).get(pk=thread_id)
    if thread.author_id == member.pk:
        raise FlagNotAllowedError("You can't flag your own thread.")
    return _create(reporter=member, thread=thread, reason=reason, text=clean_text)


@transaction.atomic
def flag_profile(*, member: User, member_id: int, reason: str, text: str = "") -> Flag:
    """Flag another member's profile. Raises SuspendedError, FlagNotAllowedError,
    AlreadyFlaggedError, User.DoesNotExist (no such profile, or one the member can't see)."""
    reason, clean_text = _clean(member, reason, text)
    profile = User.objects.get(pk=member_id, is_active=True)
    if not can_view_profile(member, profile):
        raise User.DoesNotExist
    if profile.pk == member.pk:
        raise FlagNotAllowedError("You can't flag your own profile.")
    return _create(reporter=member, member=profile, reason=reason, text=clean_text)
