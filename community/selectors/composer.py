"""The writing screens: a new thread, a reply (optionally quoting a post), editing a post."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from community import (
    policies,
    search,  # the module: it imports selectors.filters, so not its names
)
from community.models import Category, Post, Thread
from community.selectors.categories import list_categories
from community.selectors.thread_page import get_post, get_quotable_post, get_thread
from core.markdown import quote_markdown
from members.models import User
from members.policies import Viewer, suspension_notice


@dataclass(frozen=True)
class NewThreadScreen:
    """The new-thread form: the categories the member may post in, what to preselect (the
    kind: asked for, else the category's default), and the categories meant for questions
    (the page's script switches the kind when the member picks one)."""

    categories: QuerySet[Category]
    initial_category: Category | None
    initial_kind: str
    can_post: bool
    question_category_ids: list[int]
    suspension_notice: str = ""


def get_new_thread_screen(*, member: User, category_slug: str, kind: str) -> NewThreadScreen:
    """The categories the member can see (a lazy queryset: the form's choices), the one
    named by `category_slug` preselected when visible, and whether they may post yet. Two
    queries (the named category, the question categories)."""
    categories = list_categories(viewer=member)
    initial = categories.filter(slug=category_slug).first() if category_slug else None
    if kind not in Thread.Kind.values:
        kind = initial.default_kind if initial else Thread.Kind.DISCUSSION
    return NewThreadScreen(
        categories=categories,
        initial_category=initial,
        initial_kind=kind,
        can_post=policies.can_post(member),
        question_category_ids=list(
            categories.filter(default_kind=Thread.Kind.QUESTION).values_list("pk", flat=True)
        ),
        suspension_notice=suspension_notice(member),
    )


#: Threads "similar to your title" shown at most, and the words of a title searched.
SIMILAR_THREADS = 5
SIMILAR_WORDS = 3
_WORD = re.compile(r"[^\W_]{4,}")
_COMMON_WORDS = frozenset(
    {"what", "when", "where", "which", "with", "without", "does", "have", "should", "would"}
    | {"could", "there", "their", "about", "from", "into", "your", "this", "that", "best"}
    | {"anyone", "someone", "using", "good", "help", "need", "want", "question", "thanks"}
)


@dataclass(frozen=True)
class SimilarThread:
    """A thread whose words match a title being typed."""

    title: str
    url: str
    is_solved: bool
    reply_count: int


def list_similar_threads(*, viewer: Viewer, title: str) -> list[SimilarThread]:
    """Threads the viewer may see that match the title being typed, best first (the forum
    search, community.search), one entry per thread, at most SIMILAR_THREADS.

    The search needs every word, so only a title's SIMILAR_WORDS longest distinctive words
    (four letters or more, not a common question word) are searched: "How do I deploy
    Django with Docker?" searches deploy, Django and Docker. One query."""
    words = [word for word in _WORD.findall(title) if word.lower() not in _COMMON_WORDS]
    if not words:
        return []
    longest = sorted(dict.fromkeys(words), key=len, reverse=True)[:SIMILAR_WORDS]
    hits = search.search_posts(
        viewer=viewer,
        query=" ".join(longest),
        filters=search.SearchFilters(),
        group=True,
        limit=SIMILAR_THREADS,
    )
    similar: dict[int, SimilarThread] = {}
    for hit in hits:
        thread = hit.post.thread
        if thread.pk not in similar:
            similar[thread.pk] = SimilarThread(
                title=thread.title,
                url=thread.get_absolute_url(),
                is_solved=thread.solution_id is not None,
                reply_count=thread.reply_count,
            )
    return list(similar.values())[:SIMILAR_THREADS]


@dataclass(frozen=True)
class ReplyScreen:
    """The reply form on its own page: the thread and, when quoting, the quote to start from."""

    thread: Thread
    thread_url: str
    initial_body: str
    can_reply: bool
    can_post: bool


def get_reply_screen(*, member: User, thread_id: int, quote_post_id: int | None) -> ReplyScreen:
    """Raises Thread.DoesNotExist for a thread the member may not see. A quoted post that is
    missing, deleted or in another thread is ignored (the form starts empty)."""
    thread = get_thread(viewer=member, thread_id=thread_id)
    initial = ""
    if quote_post_id is not None:
        quoted = get_quotable_post(thread=thread, post_id=quote_post_id)
        if quoted is not None:
            handle = quoted.author.handle if quoted.author else "former_member"
            initial = quote_markdown(quoted.source, author_handle=handle)
    return ReplyScreen(
        thread=thread,
        thread_url=thread.get_absolute_url(),
        initial_body=initial,
        can_reply=policies.can_reply(member, thread),
        can_post=policies.can_post(member),
    )


@dataclass(frozen=True)
class PostEditScreen:
    """The edit form of one post, for its author or a moderator."""

    post: Post
    post_url: str
    thread_url: str
    is_moderator_edit: bool


def get_post_edit_screen(*, member: User, post_id: int) -> PostEditScreen:
    """Raises Post.DoesNotExist when the post is invisible or the member may not edit it
    (the page answers 404 either way, revealing nothing)."""
    post = get_post(viewer=member, post_id=post_id)
    if not policies.can_edit_post(member, post):
        raise Post.DoesNotExist
    return PostEditScreen(
        post=post,
        post_url=post.get_absolute_url(),
        thread_url=post.thread.get_absolute_url(),
        is_moderator_edit=post.author_id != member.pk,
    )
