"""Telling members about posts, reactions and accepted answers, through members' notify().

A new post is announced by a task after commit: first to the members it concerns directly
(mentions, quotes, the asker), then to its watchers in chunks of FANOUT_CHUNK, a task per
chunk, so a thread with 10,000 watchers is neither one task holding everything nor a task
per member. Every notification about a post has the key "post:<id>": each member hears of
a post once, whatever the kind, and a retried or duplicated task adds nothing.
"""

from __future__ import annotations

from django.db.models.functions import Lower

from community import policies
from community.models import Post
from community.notifications import (
    FANOUT_CHUNK,
    direct_recipients,
    excerpt_of,
    handles_outside_quotes,
    muted_members,
    thread_scope,
    watchers_after,
)
from core.queueing import enqueue_on_commit
from members.notifications.services import notify


def _load(post_id: int) -> Post | None:
    return (
        Post.objects.filter(pk=post_id, is_deleted=False)
        .select_related("thread", "thread__category", "thread__category__minimum_tier")
        .defer("search_vector")
        .first()
    )


def _tell(post: Post, *, kind: str, recipients: list[int]) -> int:
    return notify(
        recipients=recipients,
        kind=kind,
        actor_id=post.author_id,
        target_type="post",
        target_id=post.pk,
        key=f"post:{post.pk}",
        scope=thread_scope(post.thread_id),
        group_key=f"{kind}:thread:{post.thread_id}",
        excerpt=excerpt_of(post.source),
    )


def notify_about_post(*, post_id: int) -> int:
    """Tell the members a new post concerns directly, then its first chunk of watchers;
    schedule the next chunk when there is more. Returns how many notifications it wrote.
    A post deleted (or gone) before the task ran tells nobody."""
    post = _load(post_id)
    if post is None:
        return 0
    written = sum(
        _tell(post, kind=kind, recipients=members)
        for kind, members in direct_recipients(post).items()
    )
    return written + notify_post_watchers(post_id=post.pk, after=0, post=post)


def notify_post_watchers(*, post_id: int, after: int, post: Post | None = None) -> int:
    """Tell one chunk of the post's watchers (member ids past `after`); schedule the next
    chunk when this one was full. Returns how many notifications it wrote."""
    from community.tasks import notify_post_watchers_task  # tasks import services

    post = post or _load(post_id)
    if post is None:
        return 0
    chunk = watchers_after(post, after)
    if not chunk:
        return 0
    muted = set(
        muted_members(post.thread).filter(member_id__in=chunk).values_list("member_id", flat=True)
    )
    kind = "new_thread" if post.number == 1 else "reply"
    written = _tell(post, kind=kind, recipients=[pk for pk in chunk if pk not in muted])
    if len(chunk) == FANOUT_CHUNK:
        enqueue_on_commit(notify_post_watchers_task, post.pk, chunk[-1])
    return written


def notify_reaction(*, post: Post, member_id: int, kind: str) -> int:
    """Tell a post's author that `member_id` reacted to it (unless they muted the thread)."""
    if post.author_id is None or post.author_id == member_id:
        return 0
    if muted_members(post.thread).filter(member_id=post.author_id).exists():
        return 0
    return notify(
        recipients=[post.author_id],
        kind="reaction",
        actor_id=member_id,
        target_type="post",
        target_id=post.pk,
        key=f"reaction:{post.pk}:{member_id}:{kind}",
        scope=thread_scope(post.thread_id),
        group_key=f"reaction:post:{post.pk}",
    )


def notify_answer_accepted(*, post: Post, actor_id: int) -> int:
    """Tell a reply's author their answer was accepted (once per post)."""
    if post.author_id is None:
        return 0
    return notify(
        recipients=[post.author_id],
        kind="answer_accepted",
        actor_id=actor_id,
        target_type="post",
        target_id=post.pk,
        key=f"accepted:{post.pk}",
        scope=thread_scope(post.thread_id),
        group_key=f"accepted:post:{post.pk}",
    )


def notify_new_mentions(*, post: Post, member_ids: list[int]) -> int:
    """Tell members an edit newly mentions outside quotes (who may see the thread and did not
    mute it)."""
    post = _load(post.pk) or post
    own = handles_outside_quotes(post.source)
    allowed = list(
        policies.members_who_can_view(post.thread.category)
        .filter(pk__in=member_ids)
        .alias(handle_lower=Lower("handle"))
        .filter(handle_lower__in=own)
        .exclude(pk__in=muted_members(post.thread))
        .values_list("pk", flat=True)
    )
    return _tell(post, kind="mention", recipients=allowed) if allowed else 0
