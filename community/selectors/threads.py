"""Thread lists (Latest, a category, the API), keyset-paginated by cursor, and read markers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from community import policies
from community.models import ReadState, Thread
from community.pagination import Cursor
from core.models import Topic
from members.models import User
from members.policies import Viewer

THREADS_PER_PAGE = 30
NEW_THREAD_WINDOW = timedelta(days=14)

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
