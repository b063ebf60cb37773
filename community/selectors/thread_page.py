"""One thread and its posts: the thread page, the reader's state, reactions, single posts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from community import policies
from community.models import POSTS_PER_PAGE, Post, Reaction, ReadState, Subscription, Thread
from community.selectors.threads import _topics_prefetch
from members.models import User
from members.policies import Viewer


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
