"""Reads the API needs that community.selectors does not offer (yet).

They follow the selectors' rules (one access policy, a fixed number of queries per page)
and are written to move into community.selectors as they are; see the API hand-off note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from community import policies
from community.models import Category, Reaction, ReadState, Subscription, Thread
from community.pagination import Cursor
from community.selectors import LIST_RELATED, NEW_THREAD_WINDOW, THREADS_PER_PAGE, ListFilter
from core.models import Topic
from members.models import User
from members.policies import Viewer


@dataclass(frozen=True)
class ThreadFilters:
    category: str = ""
    topic: str = ""
    author: str = ""
    kind: str = ""
    solved: bool | None = None
    list_filter: str = ListFilter.ALL


@dataclass
class ThreadFeedPage:
    threads: list[Thread]
    next_cursor: str | None = None
    read_numbers: dict[int, int] = field(default_factory=dict)


def _topics_prefetch() -> Prefetch[Any]:
    return Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name", "position"))


def list_thread_feed(
    *, viewer: Viewer, filters: ThreadFilters, position: Cursor | None
) -> ThreadFeedPage:
    """Threads the viewer may see, newest activity first, keyset-paginated on
    (last_activity_at, id): page 500 costs what page 1 costs.

    Unlike the HTML list, pinned threads stay in their place (clients read `is_pinned`), so
    following the cursors visits every thread exactly once. "unread"/"new" need a member and
    are ignored for visitors. Costs two queries, three for a member.
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
    if isinstance(viewer, User) and filters.list_filter == ListFilter.UNREAD:
        threads = threads.filter(
            read_states__member=viewer, read_states__last_read_number__lt=F("post_count")
        )
    elif isinstance(viewer, User) and filters.list_filter == ListFilter.NEW:
        threads = threads.exclude(read_states__member=viewer).filter(
            created_at__gte=timezone.now() - NEW_THREAD_WINDOW
        )
    if position is not None:
        threads = threads.filter(
            Q(last_activity_at__lt=position.at)
            | Q(last_activity_at=position.at, id__lt=position.id)
        )
    rows = list(
        threads.select_related(*LIST_RELATED)
        .prefetch_related(_topics_prefetch())
        .order_by("-last_activity_at", "-id")[: THREADS_PER_PAGE + 1]
    )
    page = ThreadFeedPage(threads=rows[:THREADS_PER_PAGE])
    if len(rows) > THREADS_PER_PAGE:
        last = page.threads[-1]
        page.next_cursor = Cursor(at=last.last_activity_at, id=last.pk).encode()
    if isinstance(viewer, User):
        page.read_numbers = read_numbers(member=viewer, thread_ids=[t.pk for t in page.threads])
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


def find_category(*, viewer: Viewer, reference: str) -> Category | None:
    """The visible category named by an id ("12") or a slug ("help"); None otherwise, so an
    invisible category and a missing one look the same."""
    categories = policies.visible_categories(viewer)
    if reference.isascii() and reference.isdigit():
        by_id = categories.filter(pk=int(reference)).first()
        if by_id is not None:
            return by_id
    return categories.filter(slug=reference).first()
