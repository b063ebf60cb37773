"""Who may see and do what in the forum: the one place pages, API, search, feeds and
emails ask. Invisible things answer 404, never 403, so their existence is not revealed."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from community.models import Category, Post, Thread
from members import policies as members_policies
from members.models import User
from members.policies import Viewer, is_member


def _tier_rank(viewer: Viewer) -> int | None:
    if not isinstance(viewer, User) or viewer.tier_id is None:
        return None
    tier = viewer.tier  # select_related by the auth middleware's user? one cached query
    return tier.rank if tier else None


def category_access_filter(viewer: Viewer, prefix: str = "") -> Q:
    """A Q over Category (or, with prefix "category__", over a relation to it).

    Visitors and accounts that are not members yet (unverified email) get public
    categories only; members add members-only ones and the tiers up to theirs; staff who
    are members see everything.
    """
    public = Q(**{f"{prefix}access": Category.Access.PUBLIC})
    if not is_member(viewer):
        return public
    if isinstance(viewer, User) and viewer.is_staff:
        return Q()
    allowed = public | Q(**{f"{prefix}access": Category.Access.MEMBERS})
    rank = _tier_rank(viewer)
    if rank is not None:
        allowed |= Q(
            **{f"{prefix}access": Category.Access.TIER, f"{prefix}minimum_tier__rank__lte": rank}
        )
    return allowed


def visible_categories(viewer: Viewer) -> QuerySet[Category]:
    """The categories the viewer may open (the one access rule, as a queryset)."""
    return Category.objects.filter(category_access_filter(viewer))


def visible_threads(viewer: Viewer) -> QuerySet[Thread]:
    """The threads in categories the viewer may open."""
    return Thread.objects.filter(category_access_filter(viewer, "category__"))


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    """The posts (deleted ones included) in categories the viewer may open."""
    return Post.objects.filter(category_access_filter(viewer, "thread__category__"))


def can_view_category(viewer: Viewer, category: Category) -> bool:
    """Whether the viewer may open `category` (the same rule as category_access_filter)."""
    if category.access == Category.Access.PUBLIC:
        return True
    if not is_member(viewer):
        return False
    if isinstance(viewer, User) and viewer.is_staff:
        return True
    if category.access == Category.Access.MEMBERS:
        return True
    rank = _tier_rank(viewer)
    return (
        rank is not None
        and category.minimum_tier is not None
        and (rank >= category.minimum_tier.rank)
    )


def is_moderator(viewer: Viewer) -> bool:
    """Who moderates: members.policies.is_moderator, the one check (staff for now; the
    moderation capability adds a moderator role there)."""
    return members_policies.is_moderator(viewer)


def can_post(viewer: Viewer) -> bool:
    """Only members (signed in, active, email verified) write in the forum."""
    return is_member(viewer)


def can_reply(viewer: Viewer, thread: Thread) -> bool:
    """Whether the viewer may reply: an open thread (or a moderator) they may see."""
    return (not thread.is_locked or is_moderator(viewer)) and can_view_category(
        viewer, thread.category
    )


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    """A live post: its author while the thread is open, or a moderator."""
    if post.is_deleted:
        return False
    return is_moderator(viewer) or (
        isinstance(viewer, User) and post.author_id == viewer.pk and not post.thread.is_locked
    )


def can_edit_thread(viewer: Viewer, thread: Thread) -> bool:
    """The author while the thread is open, or a moderator."""
    return is_moderator(viewer) or (
        isinstance(viewer, User) and thread.author_id == viewer.pk and not thread.is_locked
    )


def can_delete_post(viewer: Viewer, post: Post) -> bool:
    """A live post: its author or a moderator."""
    return not post.is_deleted and (
        is_moderator(viewer) or (isinstance(viewer, User) and post.author_id == viewer.pk)
    )


def can_see_history(viewer: Viewer, post: Post) -> bool:
    """The author and moderators see prior versions of a post."""
    return is_moderator(viewer) or (isinstance(viewer, User) and post.author_id == viewer.pk)


def can_accept_answer(viewer: Viewer, thread: Thread) -> bool:
    """The asker, or a moderator, marks the accepted answer of a question."""
    if thread.kind != Thread.Kind.QUESTION:
        return False
    return is_moderator(viewer) or (isinstance(viewer, User) and thread.author_id == viewer.pk)


def members_who_can_view(category: Category) -> QuerySet[User]:
    """The active members who may open `category`: the same rule as category_access_filter,
    seen from the other side (who may see this?), for fan-out to many members at once."""
    members = User.objects.filter(is_active=True)
    if category.access == Category.Access.PUBLIC:
        return members
    members = members.filter(has_verified_email=True)  # is_member(): verified accounts
    if category.access == Category.Access.MEMBERS:
        return members
    minimum = category.minimum_tier
    if minimum is None:
        return members.filter(is_staff=True)
    return members.filter(Q(is_staff=True) | Q(tier__rank__gte=minimum.rank))
