"""The writing screens: a new thread, a reply (optionally quoting a post), editing a post."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from community import policies
from community.models import Category, Post, Thread
from community.selectors.categories import list_categories
from community.selectors.thread_page import get_post, get_quotable_post, get_thread
from core.markdown import quote_markdown
from members.models import User


@dataclass(frozen=True)
class NewThreadScreen:
    """The new-thread form: the categories the member may post in and what to preselect."""

    categories: QuerySet[Category]
    initial_category: Category | None
    initial_kind: str
    can_post: bool


def get_new_thread_screen(*, member: User, category_slug: str, kind: str) -> NewThreadScreen:
    """The categories the member can see (a lazy queryset: the form's choices), the one
    named by `category_slug` preselected when visible, and whether they may post yet."""
    categories = list_categories(viewer=member)
    return NewThreadScreen(
        categories=categories,
        initial_category=categories.filter(slug=category_slug).first() if category_slug else None,
        initial_kind=kind if kind in Thread.Kind.values else Thread.Kind.DISCUSSION,
        can_post=policies.can_post(member),
    )


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
