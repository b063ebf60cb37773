"""Thread lists (Latest, a category, the API), keyset-paginated by cursor, and read markers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from community import policies
from community.models import Category, ReadState, Subscription, Thread
from community.pagination import Cursor
from community.selectors.categories import (
    category_level,
    get_category,
    list_categories,
    topic_name,
)
from community.selectors.filters import NO_FILTERS, ThreadFilters, apply_thread_filters
from core.models import Topic
from members.models import User
from members.policies import Viewer, is_member

THREADS_PER_PAGE = 30
NEW_THREAD_WINDOW = timedelta(days=14)

LIST_RELATED = ("category", "author", "last_poster")


class ListFilter:
    """The member-only thread lists: all, unread, new."""

    ALL = ""
    UNREAD = "unread"
    NEW = "new"
    values = (ALL, UNREAD, NEW)


@dataclass(frozen=True)
class ThreadRow:
    """One thread in a list, with its links computed once and the member's unread state.

    `unread_count` is None for a thread the member never opened (and for visitors, who see
    no markers: `shows_unread` is False)."""

    thread: Thread
    url: str
    unread_url: str
    last_read_number: int | None
    shows_unread: bool
    reason: str = ""

    @property
    def unread_count(self) -> int | None:
        read = self.last_read_number
        return None if read is None else max(self.thread.last_published_number - read, 0)

    @property
    def is_new(self) -> bool:
        return self.shows_unread and self.unread_count is None

    @property
    def has_unread(self) -> bool:
        return self.shows_unread and bool(self.unread_count)


def thread_row(
    thread: Thread,
    *,
    read_numbers: dict[int, int],
    shows_unread: bool,
    reason: str = "",
    quiet: bool = False,
) -> ThreadRow:
    """A list row for `thread`: URLs built once, unread count from the member's markers
    (none for a thread the member set to normal or muted: `quiet`)."""
    shows_unread = shows_unread and not quiet
    return ThreadRow(
        thread=thread,
        url=thread.get_absolute_url(),
        unread_url=reverse("community:thread-unread", args=[thread.pk]) if shows_unread else "",
        last_read_number=read_numbers.get(thread.pk),
        shows_unread=shows_unread,
        reason=reason,
    )


@dataclass
class ThreadListPage:
    """One page of a thread list: its threads, pinned ones (page 1), the next cursor."""

    threads: list[Thread]
    pinned: list[Thread] = field(default_factory=list)
    next_cursor: str | None = None
    read_numbers: dict[int, int] = field(default_factory=dict)
    quiet_ids: set[int] = field(default_factory=set)
    shows_unread: bool = False

    def unread_count(self, thread: Thread) -> int | None:
        """New posts since the member last read the thread; None if never opened."""
        read = self.read_numbers.get(thread.pk)
        return None if read is None else max(thread.last_published_number - read, 0)

    @cached_property
    def rows(self) -> list[ThreadRow]:
        """The page's rows (built once: each computes its links)."""
        return [self._row(thread) for thread in self.threads]

    @cached_property
    def pinned_rows(self) -> list[ThreadRow]:
        return [self._row(thread) for thread in self.pinned]

    def _row(self, thread: Thread) -> ThreadRow:
        return thread_row(
            thread,
            read_numbers=self.read_numbers,
            shows_unread=self.shows_unread,
            quiet=thread.pk in self.quiet_ids,
        )


def _topics_prefetch() -> Prefetch[Any]:
    return Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name", "position"))


def list_threads(
    *,
    viewer: Viewer,
    filters: ThreadFilters = NO_FILTERS,
    list_filter: str = ListFilter.ALL,
    position: Cursor | None = None,
) -> ThreadListPage:
    """Threads the viewer may see, newest activity first: Latest, a category, the API.

    Keyset-paginated on (last_activity_at, id) with an index, so page 500 costs what page 1
    costs. Pinned threads lead the first page (in `pinned`) and are left out of every page
    of the rest, so a cursor visits each thread once; narrowed lists (unread, new, a
    topic…) keep them in place so nothing disappears. "unread"/"new" need a member. Three
    queries, four for a member.
    """
    threads = apply_thread_filters(policies.visible_threads(viewer), filters)
    member = viewer if isinstance(viewer, User) and is_member(viewer) else None
    if member and not filters.category:
        threads = threads.exclude(category_id__in=muted_category_ids(member))
    if member and list_filter == ListFilter.UNREAD:
        threads = threads.filter(
            read_states__member=member, read_states__last_read_number__lt=F("last_published_number")
        )
    elif member and list_filter == ListFilter.NEW:
        threads = threads.exclude(read_states__member=member).filter(
            created_at__gte=timezone.now() - NEW_THREAD_WINDOW
        )
    pin_q = (
        Q(is_pinned=True) | Q(is_pinned_globally=True)
        if filters.category
        else Q(is_pinned_globally=True)
    )
    separates = not filters.is_narrowed and list_filter == ListFilter.ALL
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
    page = ThreadListPage(threads=rows[:THREADS_PER_PAGE], shows_unread=member is not None)
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
        page.read_numbers, page.quiet_ids = read_markers(
            member=member, thread_ids=[t.pk for t in page.threads + page.pinned]
        )
    return page


def muted_category_ids(member: User) -> QuerySet[Subscription, Any]:
    """The categories the member muted (a subquery): their threads leave Latest, For you and
    the digest, though the category's own page still lists them."""
    return Subscription.objects.filter(
        member=member, category__isnull=False, level=Subscription.Level.MUTED
    ).values("category_id")


def read_markers(*, member: User, thread_ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """The member's read markers of these threads (thread id -> last post number read) and
    the ids of those they set to normal or muted, whose unread counts lists leave out
    (tracking is what opening a thread does by default). One query."""
    quiet = Subscription.objects.filter(
        member=member,
        thread=OuterRef("thread"),
        level__in=[Subscription.Level.NORMAL, Subscription.Level.MUTED],
    )
    rows = (
        ReadState.objects.filter(member=member, thread_id__in=thread_ids)
        .annotate(is_quiet=Exists(quiet))
        .values_list("thread_id", "last_read_number", "is_quiet")
    )
    numbers: dict[int, int] = {}
    quiet_ids: set[int] = set()
    for thread_id, number, is_quiet in rows:
        numbers[thread_id] = number
        if is_quiet:
            quiet_ids.add(thread_id)
    return numbers, quiet_ids


def read_numbers(*, member: User, thread_ids: list[int]) -> dict[int, int]:
    """thread id -> the last post number the member read, for threads they opened."""
    return dict(
        ReadState.objects.filter(member=member, thread_id__in=thread_ids).values_list(
            "thread_id", "last_read_number"
        )
    )


@dataclass(frozen=True)
class ThreadListScreen:
    """Latest or a category page (and the API's thread list): everything they show.

    `category` is set on a category page; `categories` is the sidebar (a lazy queryset: the
    page reads it, the API, which has no sidebar, never does); `can_watch` and
    `category_level` (the member's notification level for the category) drive the level
    menu; `list_filter` is "", "unread" or "new".
    """

    page: ThreadListPage
    filters: ThreadFilters
    list_filter: str
    is_first_page: bool
    category: Category | None
    categories: QuerySet[Category]
    topic_name: str
    can_watch: bool
    category_level: str
    shows_member_tabs: bool

    @property
    def levels(self) -> list[tuple[str, str]]:
        """The notification levels a member can choose, in menu order."""
        return list(Subscription.Level.choices)


def get_thread_list_screen(
    *,
    viewer: Viewer,
    filters: ThreadFilters = NO_FILTERS,
    list_filter: str = ListFilter.ALL,
    position: Cursor | None = None,
) -> ThreadListScreen:
    """The thread list screen: a page of threads (pinned ones first on page 1), the
    category nav, the category (when filtered by one) and whether the member watches it.

    Raises Category.DoesNotExist when `filters.category` names a category the viewer may not
    see. Costs a fixed number of queries: the category (when filtered by one), threads,
    topics, pinned threads and their topics, for a member read markers and the category
    watch, and on the page the sidebar's categories.
    """
    category = get_category(viewer=viewer, slug=filters.category) if filters.category else None
    member = viewer if isinstance(viewer, User) and is_member(viewer) else None
    page = list_threads(viewer=viewer, filters=filters, list_filter=list_filter, position=position)
    return ThreadListScreen(
        page=page,
        filters=filters,
        list_filter=list_filter if member else ListFilter.ALL,
        is_first_page=position is None,
        category=category,
        categories=list_categories(viewer=viewer),
        topic_name=topic_name(slug=filters.topic) if filters.topic else "",
        can_watch=member is not None and category is not None,
        category_level=(
            category_level(member=member, category=category)
            if member and category
            else Subscription.Level.NORMAL
        ),
        shows_member_tabs=member is not None,
    )
