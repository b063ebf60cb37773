"""Reads for forum pages and the API. A page costs a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from community import policies
from community.models import (
    POSTS_PER_PAGE,
    Category,
    Post,
    Reaction,
    ReadState,
    Subscription,
    Thread,
)
from community.pagination import Cursor
from core.models import Topic
from members.models import User
from members.policies import Viewer

THREADS_PER_PAGE = 30
NEW_THREAD_WINDOW = timedelta(days=14)
FOR_YOU_CANDIDATES = 300
FOR_YOU_WINDOW = timedelta(days=60)
FOR_YOU_SIZE = 30

LIST_RELATED = ("category", "author", "last_poster")


class ListFilter:
    ALL = ""
    UNREAD = "unread"
    NEW = "new"
    values = (ALL, UNREAD, NEW)


@dataclass
class ThreadListPage:
    threads: list[Thread]
    pinned: list[Thread] = field(default_factory=list)
    next_cursor: str | None = None
    read_numbers: dict[int, int] = field(default_factory=dict)

    def unread_count(self, thread: Thread) -> int | None:
        """New posts since the member last read the thread; None if never opened."""
        read = self.read_numbers.get(thread.pk)
        return None if read is None else max(thread.post_count - read, 0)

    @property
    def rows(self) -> list[tuple[Thread, int | None]]:
        """(thread, unread posts or None if never opened) for the template."""
        return [(thread, self.unread_count(thread)) for thread in self.threads]

    @property
    def pinned_rows(self) -> list[tuple[Thread, int | None]]:
        return [(thread, self.unread_count(thread)) for thread in self.pinned]


def _topics_prefetch() -> Prefetch[Any]:
    return Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name", "position"))


@dataclass(frozen=True)
class ThreadFilters:
    """What narrows a thread list. Empty values mean "any"."""

    category: str = ""
    topic: str = ""
    author: str = ""
    kind: str = ""
    solved: bool | None = None
    list_filter: str = ListFilter.ALL

    @property
    def is_narrowed(self) -> bool:
        return bool(
            self.topic
            or self.author
            or self.kind
            or self.solved is not None
            or self.list_filter != ListFilter.ALL
        )


def list_threads(
    *,
    viewer: Viewer,
    filters: ThreadFilters = ThreadFilters(),  # frozen, shared safely
    position: Cursor | None = None,
    separate_pins: bool = True,
) -> ThreadListPage:
    """Threads the viewer may see, newest activity first: Latest, a category, the API.

    Keyset-paginated on (last_activity_at, id) with an index, so page 500 costs what page 1
    costs. With `separate_pins` (the pages), pinned threads lead the first page and are left
    out of the rest; narrowed lists (unread, new, a topic…) keep them in place so nothing
    disappears, and the API keeps them in place so cursors visit every thread once.
    "unread"/"new" need a member. Three queries, four for a member.
    """
    threads = policies.visible_threads(viewer)
    if filters.category:
        threads = threads.filter(category__slug=filters.category)
    if filters.topic:
        threads = threads.filter(topics__slug=filters.topic)
    if filters.author:
        threads = threads.filter(author__handle__iexact=filters.author.lstrip("@"))
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.solved is not None:
        threads = threads.filter(kind=Thread.Kind.QUESTION, solution__isnull=not filters.solved)
    member = viewer if isinstance(viewer, User) else None
    if member and filters.list_filter == ListFilter.UNREAD:
        threads = threads.filter(
            read_states__member=member, read_states__last_read_number__lt=F("post_count")
        )
    elif member and filters.list_filter == ListFilter.NEW:
        threads = threads.exclude(read_states__member=member).filter(
            created_at__gte=timezone.now() - NEW_THREAD_WINDOW
        )
    pin_q = (
        Q(is_pinned=True) | Q(is_pinned_globally=True)
        if filters.category
        else Q(is_pinned_globally=True)
    )
    separates = separate_pins and not filters.is_narrowed
    listed = threads.exclude(pin_q) if separates else threads
    if position is not None:
        # The redundant `lte` bound is what lets PostgreSQL start the index scan at the
        # cursor (an OR alone becomes a filter over every newer row).
        listed = listed.filter(last_activity_at__lte=position.at).filter(
            Q(last_activity_at__lt=position.at)
            | Q(last_activity_at=position.at, id__lt=position.id)
        )
    rows = list(
        listed.select_related(*LIST_RELATED)
        .prefetch_related(_topics_prefetch())
        .order_by("-last_activity_at", "-id")[: THREADS_PER_PAGE + 1]
    )
    page = ThreadListPage(threads=rows[:THREADS_PER_PAGE])
    if len(rows) > THREADS_PER_PAGE:
        last = page.threads[-1]
        page.next_cursor = Cursor(at=last.last_activity_at, id=last.pk).encode()
    if separates and position is None:
        page.pinned = list(
            threads.filter(pin_q)
            .select_related(*LIST_RELATED)
            .prefetch_related(_topics_prefetch())
            .order_by("-last_activity_at", "-id")
        )  # all of them: moderators keep this set small, and none may vanish from the list
    if member:
        page.read_numbers = read_numbers(
            member=member, thread_ids=[t.pk for t in page.threads + page.pinned]
        )
    return page


def read_numbers(*, member: User, thread_ids: list[int]) -> dict[int, int]:
    """thread id -> the last post number the member read, for threads they opened."""
    return dict(
        ReadState.objects.filter(member=member, thread_id__in=thread_ids).values_list(
            "thread_id", "last_read_number"
        )
    )


def list_categories(*, viewer: Viewer) -> QuerySet[Category]:
    """The categories the viewer may see, in their order, with the tier they require."""
    return (
        policies.visible_categories(viewer)
        .select_related("minimum_tier")
        .order_by("position", "name", "id")
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


def get_thread(*, viewer: Viewer, thread_id: int) -> Thread:
    """Raises Thread.DoesNotExist for a thread the viewer may not see (a 404)."""
    return (
        policies.visible_threads(viewer)
        .select_related(
            "category", "category__minimum_tier", "author", "solution", "solution__author"
        )
        .prefetch_related(_topics_prefetch())
        .get(pk=thread_id)
    )


@dataclass
class ThreadPage:
    thread: Thread
    posts: list[Post]
    number: int
    page_count: int
    reacted: dict[int, list[str]]
    is_watching: bool
    last_read_number: int | None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count


def page_count(thread: Thread) -> int:
    return max(math.ceil(thread.post_count / POSTS_PER_PAGE), 1)


def get_thread_page(*, viewer: Viewer, thread: Thread, page: int) -> ThreadPage:
    """One page of a thread's posts, by post number range: no OFFSET, whatever the page."""
    pages = page_count(thread)
    number = min(max(page, 1), pages)
    first = (number - 1) * POSTS_PER_PAGE + 1
    posts = list(
        Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
        .select_related("author", "author__tier")
        .defer("search_vector")
        .order_by("number")[:POSTS_PER_PAGE]  # the LIMIT steers the planner to the index
    )
    state = get_reader_state(viewer=viewer, thread=thread)
    reacted = reactions_given(viewer=viewer, post_ids=[p.pk for p in posts])
    for post in posts:
        post.viewer_reactions = reacted.get(post.pk, [])  # type: ignore[attr-defined]  # for the template
    return ThreadPage(
        thread=thread,
        posts=posts,
        number=number,
        page_count=pages,
        reacted=reacted,
        is_watching=state.is_watching,
        last_read_number=state.last_read_number,
    )


@dataclass(frozen=True)
class ReaderState:
    last_read_number: int | None = None
    is_watching: bool = False


def get_reader_state(*, viewer: Viewer, thread: Thread) -> ReaderState:
    """How far the member read the thread and whether they watch it (directly or through
    its category). Nothing for a visitor; two queries for a member."""
    if not isinstance(viewer, User):
        return ReaderState()
    last_read = (
        ReadState.objects.filter(member=viewer, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    )
    watching = Subscription.objects.filter(
        Q(thread=thread) | Q(category_id=thread.category_id), member=viewer
    ).exists()
    return ReaderState(last_read_number=last_read, is_watching=watching)


def is_watching_category(*, member: User, category: Category) -> bool:
    return bool(Subscription.objects.filter(member=member, category=category).exists())


def reactions_given(*, viewer: Viewer, post_ids: list[int]) -> dict[int, list[str]]:
    """post id -> the reaction kinds the member gave it, sorted. One query for a member."""
    if not isinstance(viewer, User) or not post_ids:
        return {}
    given: dict[int, list[str]] = {}
    rows = Reaction.objects.filter(member=viewer, post_id__in=post_ids).values_list(
        "post_id", "kind"
    )
    for post_id, kind in sorted(rows):
        given.setdefault(post_id, []).append(kind)
    return given


def get_quotable_post(*, thread: Thread, post_id: int) -> Post | None:
    """A live post of `thread` (already checked visible) to quote in a reply."""
    return (
        Post.objects.filter(thread=thread, pk=post_id, is_deleted=False)
        .select_related("author")
        .defer("search_vector")
        .first()
    )


def topic_name(*, slug: str) -> str:
    return Topic.objects.filter(slug=slug).values_list("name", flat=True).first() or ""


def list_topics() -> list[Topic]:
    return list(Topic.objects.only("slug", "name"))


def first_unread_number(*, member: User, thread: Thread) -> int:
    """The number of the first post the member has not read (the last post if all read)."""
    read = (
        ReadState.objects.filter(member=member, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    ) or 0
    return min(read + 1, thread.post_count)


def get_post(*, viewer: Viewer, post_id: int) -> Post:
    return (
        policies.visible_posts(viewer)
        .select_related("thread", "thread__category", "author")
        .get(pk=post_id)
    )


def list_post_revisions(*, post: Post) -> QuerySet[Any]:
    return post.revisions.select_related("edited_by").order_by("-created_at", "-id")


# --- For you -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    thread: Thread
    reason: str
    score: float


def for_you(*, member: User) -> list[Recommendation]:
    """Threads ranked for this member, each with a one-line reason.

    Signals: their topics (strongest), categories they watch or post in, questions at their
    level that nobody answered, and freshness. Costs five queries whatever the community's
    size: the candidates are the latest FOR_YOU_CANDIDATES visible threads.
    """
    topic_ids = set(member.topics.values_list("id", flat=True))
    watched_categories = set(
        Subscription.objects.filter(member=member, category__isnull=False).values_list(
            "category_id", flat=True
        )
    )
    posted_categories = set(
        Post.objects.filter(author=member)
        .order_by("-created_at")
        .values_list("thread__category_id", flat=True)[:50]
    )
    now = timezone.now()
    candidates = list(
        policies.visible_threads(member)
        .filter(last_activity_at__gte=now - FOR_YOU_WINDOW)
        .select_related(*LIST_RELATED)
        .prefetch_related(_topics_prefetch())
        .order_by("-last_activity_at", "-id")[:FOR_YOU_CANDIDATES]
    )
    read = dict(
        ReadState.objects.filter(member=member, thread__in=[t.pk for t in candidates]).values_list(
            "thread_id", "last_read_number"
        )
    )
    helper = member.skill_level in ("advanced", "expert")
    ranked = []
    for thread in candidates:
        age_days = (now - thread.last_activity_at).total_seconds() / 86400
        freshness = 1.0 / (1.0 + age_days / 3)
        shared = [t for t in thread.topics.all() if t.pk in topic_ids]
        score, reason = freshness, "New this week" if age_days < 7 else "Active lately"
        if thread.category_id in posted_categories:
            score, reason = score + 1.0, f"Active in {thread.category.name}, where you post"
        if thread.category_id in watched_categories:
            score, reason = score + 1.5, f"New in {thread.category.name}, which you watch"
        if helper and thread.is_question and not thread.is_solved and thread.post_count == 1:
            score, reason = score + 1.5, "An open question you could answer"
        if shared:
            score += 2.0 + 0.5 * (len(shared) - 1)
            reason = f"Because you follow {shared[0].name}"
        if thread.author_id == member.pk:
            score -= 2.0
        seen = read.get(thread.pk)
        if seen is not None and seen >= thread.post_count:
            score -= 1.5
        ranked.append(Recommendation(thread=thread, reason=reason, score=round(score, 3)))
    ranked.sort(key=lambda r: (-r.score, -r.thread.last_activity_at.timestamp()))
    return ranked[:FOR_YOU_SIZE]


# --- What a member wrote (profile page, data export) ------------------------------------------


def recent_threads_by(member: User, viewer: Viewer) -> list[Thread]:
    return list(
        policies.visible_threads(viewer)
        .filter(author=member)
        .select_related("category")
        .order_by("-created_at")[:5]
    )


def recent_posts_by(member: User, viewer: Viewer) -> list[Post]:
    return list(
        policies.visible_posts(viewer)
        .filter(author=member, is_deleted=False, number__gt=1)
        .select_related("thread")
        .defer("search_vector")
        .order_by("-created_at")[:5]
    )


def export_threads(member: User) -> list[dict[str, Any]]:
    return [
        {
            "id": t.pk,
            "title": t.title,
            "kind": t.kind,
            "category": t.category.slug,
            "created_at": t.created_at.isoformat(),
        }
        for t in Thread.objects.filter(author=member).select_related("category").order_by("pk")
    ]


def export_posts(member: User) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "thread_id": p.thread_id,
            "number": p.number,
            "source": p.source,
            "created_at": p.created_at.isoformat(),
            "is_deleted": p.is_deleted,
            "edited_at": p.edited_at.isoformat() if p.edited_at else None,
        }
        for p in Post.objects.filter(author=member).defer("search_vector").order_by("pk").iterator()
    ]
