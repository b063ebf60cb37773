"""Reads for the moderation screens: the moderators page (staff), the audit log (staff)
and the review queue (moderators, their categories only)."""

from __future__ import annotations

from dataclasses import dataclass

from community.models import Category, CategoryModerator
from members.models import User
from members.policies import Viewer, is_staff


class NotAllowedScreenError(Exception):
    """The viewer may not use this screen; views answer 404 (it does not exist for them)."""


@dataclass(frozen=True)
class ModeratorsScreen:
    """Who moderates what, and the categories to appoint them to."""

    forum_moderators: list[User]
    category_moderators: list[CategoryModerator]
    categories: list[Category]


def get_moderators_screen(*, viewer: Viewer) -> ModeratorsScreen:
    """Who moderates what, for staff. Three queries. Raises NotAllowedScreenError."""
    if not is_staff(viewer):
        raise NotAllowedScreenError
    return ModeratorsScreen(
        forum_moderators=list(User.objects.filter(is_moderator=True).order_by("handle")),
        category_moderators=list(
            CategoryModerator.objects.select_related("member", "category").order_by(
                "category__position", "category__name", "member__handle"
            )
        ),
        categories=list(Category.objects.order_by("position", "name")),
    )
