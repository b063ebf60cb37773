"""Arrange steps shared by the forum tests: realistic rows made through the services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from community.models import Category, Post, Thread
from community.services import posting
from core.models import Topic
from members.models import User


def iso(moment: datetime) -> str:
    """A datetime as the API writes it."""
    return moment.isoformat().replace("+00:00", "Z")


def start_thread(
    author: User,
    category: Category,
    *,
    title: str = "How do I ship my first talk?",
    body: str = "Help!",
    kind: str = Thread.Kind.DISCUSSION,
    topics: Iterable[Topic] = (),
) -> Thread:
    """Start a thread the way a member does (opening post, watching, search index)."""
    return posting.create_thread(
        author=author, category_id=category.pk, title=title, body=body, kind=kind, topics=topics
    )


def opening_post(thread: Thread) -> Post:
    return Post.objects.get(thread=thread, number=1)
