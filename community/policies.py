"""Who may see and do what in the forum: the one place pages, API, search, feeds and
emails ask. Invisible things answer 404, never 403, so their existence is not revealed."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from community.models import Category, CategoryModerator, Post, Thread
from members.models import User
from members.policies import Viewer, is_member, is_suspended
from members.policies import is_moderator as is_forum_moderator


def _tier_rank(viewer: Viewer) -> int | None:
    if not isinstance(viewer, User) or viewer.tier_id is None:
        return None
    tier = viewer.tier  # select_related by the auth middleware's user? one cached query
    return tier.rank if tier else None


def category_access_filter(viewer: Viewer, prefix: str = "") -> Q:
    """A Q over Category (or, with prefix "category__", over a relation to it).

    Visitors and accounts that are not members yet (unverified email) get public
    categories only; members add members-only ones and the tiers up to theirs, and the
    categories they moderate; staff and forum-wide moderators who are members see everything.
    """
    public = Q(**{f"{prefix}access": Category.Access.PUBLIC})
    if not is_member(viewer):
        return public
    if is_forum_moderator(viewer):  # staff and forum-wide moderators
        return Q()
    allowed = public | Q(**{f"{prefix}access": Category.Access.MEMBERS})
    rank = _tier_rank(viewer)
    if rank is not None:
        allowed |= Q(
            **{f"{prefix}access": Category.Access.TIER, f"{prefix}minimum_tier__rank__lte": rank}
        )
    moderated = moderated_category_ids(viewer)
    if moderated:
        allowed |= Q(**{f"{prefix}pk__in": sorted(moderated)})
    return allowed


def visible_categories(viewer: Viewer) -> QuerySet[Category]:
    """The categories the viewer may open (the one access rule, as a queryset)."""
    return Category.objects.filter(category_access_filter(viewer))


def _awaiting_review_filter(viewer: Viewer, field: str, published: Q, prefix: str) -> Q | None:
    """Held or hidden content is seen by its author and its category's moderators only.
    None when the viewer sees all of it (forum-wide moderators)."""
    if is_forum_moderator(viewer):
        return None
    allowed = published
    if isinstance(viewer, User):
        allowed |= Q(**{f"{field}_id": viewer.pk})
        moderated = moderated_category_ids(viewer)
        if moderated and is_member(viewer):
            allowed |= Q(**{f"{prefix}pk__in": sorted(moderated)})
    return allowed


def visible_threads(viewer: Viewer) -> QuerySet[Thread]:
    """The threads in categories the viewer may open (a thread held for review: only its
    author and its moderators). A thread merged into another (a tombstone kept so staff can
    undo the merge) is seen by no one: its address redirects to the target."""
    threads = Thread.objects.filter(
        category_access_filter(viewer, "category__"), merged_into__isnull=True
    )
    review = _awaiting_review_filter(viewer, "author", Q(is_held=False), "category__")
    return threads if review is None else threads.filter(review)


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    """The posts (deleted ones included) in categories the viewer may open; held and hidden
    posts only for their author and their category's moderators."""
    posts = Post.objects.filter(category_access_filter(viewer, "thread__category__"))
    review = _awaiting_review_filter(
        viewer, "author", Q(status=Post.Status.PUBLISHED), "thread__category__"
    )
    return posts if review is None else posts.filter(review)


def can_see_post(viewer: Viewer, post: Post) -> bool:
    """The row-level twin of visible_posts' review rule, for a post already loaded with its
    thread (the thread page filters its page of posts with it, at no query)."""
    if post.status == Post.Status.PUBLISHED:
        return True
    return (isinstance(viewer, User) and post.author_id == viewer.pk) or can_moderate(
        viewer, post.thread.category_id
    )


def can_view_category(viewer: Viewer, category: Category) -> bool:
    """Whether the viewer may open `category` (the same rule as category_access_filter)."""
    if category.access == Category.Access.PUBLIC:
        return True
    if not is_member(viewer):
        return False
    if is_forum_moderator(viewer) or category.access == Category.Access.MEMBERS:
        return True
    if category.pk in moderated_category_ids(viewer):
        return True
    rank = _tier_rank(viewer)
    return (
        rank is not None
        and category.minimum_tier is not None
        and (rank >= category.minimum_tier.rank)
    )


def moderated_category_ids(viewer: Viewer) -> frozenset[int]:
    """The categories a category moderator looks after, loaded once per request (cached on
    the user object). No query for anyone who moderates no category."""
    if not isinstance(viewer, User) or not viewer.moderates_categories:
        return frozenset()
    cached: frozenset[int] | None = getattr(viewer, "_moderated_category_ids", None)
    if cached is None:
        cached = frozenset(
            CategoryModerator.objects.filter(member=viewer).values_list("category_id", flat=True)
        )
        viewer._moderated_category_ids = cached  # type: ignore[attr-defined]  # per-request memo
    return cached


def can_moderate(viewer: Viewer, category: Category | int) -> bool:
    """The one moderation rule: forum-wide moderators and staff everywhere; category
    moderators (members) in their own categories only; no one while suspended (staff
    excepted)."""
    if is_forum_moderator(viewer):
        return True
    if not is_member(viewer) or is_suspended(viewer):
        return False
    category_id = category if isinstance(category, int) else category.pk
    return category_id in moderated_category_ids(viewer)


def can_moderate_everywhere(viewer: Viewer) -> bool:
    """Forum-wide moderators and staff: global pins, profiles, suspensions."""
    return is_forum_moderator(viewer)


def moderates_anything(viewer: Viewer) -> bool:
    """Whether the viewer has a review queue at all (forum-wide or some category)."""
    return is_forum_moderator(viewer) or (
        is_member(viewer) and not is_suspended(viewer) and bool(moderated_category_ids(viewer))
    )


def moderation_scope(viewer: Viewer, prefix: str = "") -> Q:
    """A Q limiting rows (Category, or via `prefix`) to what the viewer moderates."""
    if is_forum_moderator(viewer):
        return Q()
    return Q(**{f"{prefix}pk__in": sorted(moderated_category_ids(viewer))})


def reward_scope(moderator: User, member_id: int, post_id: int | None) -> str:
    """Whether `moderator` may reward member `member_id` (members.hooks.RewardScope): ""
    when allowed, "post" when `post_id` is not a live post of that member, "scope" when it
    is outside the moderator's categories. A reward about a post: the moderators of its
    category (one query). From a profile: forum-wide moderators and staff (no query); a
    category moderator when the member has a visible post (published, not deleted, in a
    visible thread) in one of their categories (one query, after the categories' one)."""
    if post_id is not None:
        found = (
            Post.objects.filter(pk=post_id, is_deleted=False)
            .values_list("author_id", "thread__category_id")
            .first()
        )
        if found is None or found[0] != member_id:
            return "post"
        return "" if can_moderate(moderator, found[1]) else "scope"
    if is_forum_moderator(moderator):
        return ""
    moderated = (
        moderated_category_ids(moderator)
        if is_member(moderator) and not is_suspended(moderator)
        else frozenset()
    )
    if not moderated:
        return "scope"
    has_post = Post.objects.filter(
        author_id=member_id,
        status=Post.Status.PUBLISHED,
        is_deleted=False,
        thread__category_id__in=sorted(moderated),
        thread__is_held=False,
        thread__merged_into__isnull=True,
    ).exists()
    return "" if has_post else "scope"


def can_post(viewer: Viewer) -> bool:
    """Only members (signed in, active, email verified) who are not suspended write in the
    forum."""
    return is_member(viewer) and not is_suspended(viewer)


def can_reply(viewer: Viewer, thread: Thread) -> bool:
    """Whether the viewer may reply: an open thread (or a moderator) they may see."""
    return (not thread.is_locked or can_moderate(viewer, thread.category_id)) and can_view_category(
        viewer, thread.category
    )


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    """A live post: its author while the thread is open, or a moderator."""
    if post.is_deleted:
        return False
    return can_moderate(viewer, post.thread.category_id) or (
        isinstance(viewer, User) and post.author_id == viewer.pk and not post.thread.is_locked
    )


def can_edit_thread(viewer: Viewer, thread: Thread) -> bool:
    """The author while the thread is open, or a moderator."""
    return can_moderate(viewer, thread.category_id) or (
        isinstance(viewer, User) and thread.author_id == viewer.pk and not thread.is_locked
    )


def can_delete_post(viewer: Viewer, post: Post) -> bool:
    """A live post: its author or a moderator."""
    return not post.is_deleted and (
        can_moderate(viewer, post.thread.category_id)
        or (isinstance(viewer, User) and post.author_id == viewer.pk)
    )


def can_see_history(viewer: Viewer, post: Post) -> bool:
    """The author and moderators see prior versions of a post."""
    return can_moderate(viewer, post.thread.category_id) or (
        isinstance(viewer, User) and post.author_id == viewer.pk
    )


def can_accept_answer(viewer: Viewer, thread: Thread) -> bool:
    """The asker, or a moderator, marks the accepted answer of a question."""
    if thread.kind != Thread.Kind.QUESTION:
        return False
    return can_moderate(viewer, thread.category_id) or (
        isinstance(viewer, User) and thread.author_id == viewer.pk
    )


def members_who_can_view(category: Category) -> QuerySet[User]:
    """The active members who may open `category`: the same rule as category_access_filter,
    seen from the other side (who may see this?), for fan-out to many members at once."""
    members = User.objects.filter(is_active=True)
    if category.access == Category.Access.PUBLIC:
        return members
    members = members.filter(has_verified_email=True)  # is_member(): verified accounts
    if category.access == Category.Access.MEMBERS:
        return members
    moderators = (
        Q(is_staff=True)
        | Q(is_moderator=True)
        | Q(pk__in=CategoryModerator.objects.filter(category=category).values("member_id"))
    )
    minimum = category.minimum_tier
    if minimum is None:
        return members.filter(moderators)
    return members.filter(moderators | Q(tier__rank__gte=minimum.rank))
