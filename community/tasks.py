"""Celery entry points of the forum. Each hands its ids to one service."""

from __future__ import annotations

from celery import shared_task

from community.services.notifying import notify_about_post, notify_post_watchers


@shared_task
def notify_about_post_task(post_id: int) -> int:
    """Tell the members a new post concerns (idempotent: one notification per member/post)."""
    return notify_about_post(post_id=post_id)


@shared_task
def notify_post_watchers_task(post_id: int, after: int) -> int:
    """Tell the next chunk of a post's watchers (member ids past `after`)."""
    return notify_post_watchers(post_id=post_id, after=after)
