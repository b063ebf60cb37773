"""Staff appoint and remove moderators: forum-wide, or for chosen categories. Audited."""

from __future__ import annotations

from django.db import transaction

from community.exceptions import NotAllowedError
from community.models import Category, CategoryModerator, ModerationAction
from community.services.audit import record_action
from members.models import User
from members.policies import is_member, is_staff


def _ensure_staff(actor: User) -> None:
    if not is_staff(actor):
        raise NotAllowedError("Only staff appoint and remove moderators.")


def _sync_category_flag(member: User) -> None:
    member.moderates_categories = CategoryModerator.objects.filter(member=member).exists()
    member.save(update_fields=["moderates_categories"])


@transaction.atomic
def appoint_moderator(*, actor: User, member_id: int, category_id: int | None = None) -> bool:
    """Make a member a moderator of the whole forum (category_id None) or of one category.

    Idempotent: False (and no audit row) when they already were. Raises NotAllowedError
    (not staff), User.DoesNotExist (no such active member), Category.DoesNotExist.
    """
    _ensure_staff(actor)
    member = User.objects.select_for_update().get(pk=member_id, is_active=True)
    if not is_member(member):
        raise NotAllowedError("Only members with a verified email address can moderate.")
    if category_id is None:
        if member.is_moderator:
            return False
        member.is_moderator = True
        member.save(update_fields=["is_moderator"])
        target, category = f"@{member.handle}, forum-wide", None
    else:
        category = Category.objects.get(pk=category_id)
        _, created = CategoryModerator.objects.get_or_create(member=member, category=category)
        if not created:
            return False
        _sync_category_flag(member)
        target = f"@{member.handle} in {category.name}"
    record_action(
        actor=actor,
        action=ModerationAction.Action.APPOINT_MODERATOR,
        target=target,
        category=category,
        member=member,
    )
    return True


@transaction.atomic
def remove_moderator(*, actor: User, member_id: int, category_id: int | None = None) -> bool:
    """Take the forum-wide role (category_id None) or one category away. False when the
    member did not hold it. Raises NotAllowedError (not staff), User.DoesNotExist."""
    _ensure_staff(actor)
    member = User.objects.select_for_update().get(pk=member_id)
    if category_id is None:
        if not member.is_moderator:
            return False
        member.is_moderator = False
        member.save(update_fields=["is_moderator"])
        target, category = f"@{member.handle}, forum-wide", None
    else:
        category = Category.objects.get(pk=category_id)
        deleted, _ = CategoryModerator.objects.filter(member=member, category=category).delete()
        if not deleted:
            return False
        _sync_category_flag(member)
        target = f"@{member.handle} in {category.name}"
    record_action(
        actor=actor,
        action=ModerationAction.Action.REMOVE_MODERATOR,
        target=target,
        category=category,
        member=member,
    )
    return True
