"""Categories and topics: what threads are filed under."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from community import policies
from community.models import Category, Subscription
from core.models import Topic
from members.models import User
from members.policies import Viewer


def list_categories(*, viewer: Viewer) -> QuerySet[Category]:
    """The categories the viewer may see, in their order, with the tier they require."""
    return (
        policies.visible_categories(viewer)
        .select_related("minimum_tier")
        .order_by("position", "name", "id")
    )


@dataclass(frozen=True)
class CategoryRow:
    """One category on the categories page, with its link."""

    category: Category
    url: str
    thread_count: int


@dataclass(frozen=True)
class CategoryListScreen:
    """The categories page (and the API's category list)."""

    rows: list[CategoryRow]


def get_category_list_screen(*, viewer: Viewer) -> CategoryListScreen:
    """Every category the viewer may open, in order, with its thread count (exact: every
    thread of a category the viewer may open is visible to them). One query."""
    return CategoryListScreen(
        rows=[
            CategoryRow(category=c, url=c.get_absolute_url(), thread_count=c.thread_count)
            for c in list_categories(viewer=viewer)
        ]
    )


def find_category(*, viewer: Viewer, reference: str) -> Category | None:
    """The visible category named by an id ("12") or a slug ("help"); None otherwise, so an
    invisible category and a missing one look the same."""
    categories = policies.visible_categories(viewer)
    if reference.isascii() and reference.isdigit():
        by_id = categories.filter(pk=int(reference)).first()
        if by_id is not None:
            return by_id
    return categories.filter(slug=reference).first()


def get_category(*, viewer: Viewer, slug: str) -> Category:
    """Raises Category.DoesNotExist for a category the viewer may not see (a 404)."""
    return policies.visible_categories(viewer).select_related("minimum_tier").get(slug=slug)


def category_level(*, member: User, category: Category) -> str:
    """The member's notification level for a category (normal when they chose none)."""
    level = (
        Subscription.objects.filter(member=member, category=category)
        .values_list("level", flat=True)
        .first()
    )
    return level or Subscription.Level.NORMAL


def topic_name(*, slug: str) -> str:
    """The display name of a topic slug ("" for an unknown one)."""
    return Topic.objects.filter(slug=slug).values_list("name", flat=True).first() or ""


def list_topics() -> list[Topic]:
    """Every topic, in the taxonomy's order."""
    return list(Topic.objects.only("slug", "name"))
