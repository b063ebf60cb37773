"""What follows a post being written, edited or deleted: one place for every effect.

Starting a thread and replying both end in `after_post_written`; editing ends in
`after_post_edited`, deleting in `after_post_deleted`. Every consequence of a post
(mentions recorded, the author watching the thread, read markers, the search index, the
member's activity, and the capabilities that react to posts: notifications, points,
badges) hooks in here, once, inside the writing service's transaction. Effects that leave
the process (email, fan-out) are enqueued after commit by the services they call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from community import search
from community.models import Mention, Post, Subscription, Thread
from community.services import loyalty
from community.services.engagement import mark_read
from community.services.notifying import notify_new_mentions
from core.queueing import enqueue_on_commit
from members.models import User
from members.services import record_activity


@dataclass(frozen=True)
class PostWritten:
    """A new post: the opening post of a new thread, or a reply."""

    post: Post
    thread: Thread
    author: User
    mentioned: list[User]

    @property
    def starts_thread(self) -> bool:
        return self.post.number == 1


def after_post_written(event: PostWritten) -> None:
    """Record mentions, make the author watch the thread (unless they chose a level for it)
    and read it to their post, index the post for search, note the author's activity, credit
    the post in the loyalty ledger, and after commit tell the members the post concerns and
    the thread's watchers."""
    from community.tasks import notify_about_post_task  # tasks import services

    record_mentions(event.post, event.mentioned, author=event.author)
    Subscription.objects.get_or_create(member=event.author, thread=event.thread)
    mark_read(member=event.author, thread_id=event.thread.pk, number=event.post.number)
    search.index_post(post_id=event.post.pk)
    record_activity(member_id=event.author.pk)
    loyalty.credit_post(
        post_id=event.post.pk, author_id=event.author.pk, starts_thread=event.starts_thread
    )
    enqueue_on_commit(notify_about_post_task, event.post.pk)


def after_post_edited(*, post: Post, editor: User, mentioned: list[User]) -> list[User]:
    """Record mentions the new text adds (not the author's own), tell those members, and
    re-index the post. Returns the members mentioned for the first time in this post.
    A post that never counted yet (held) tells no one: its approval records and announces
    the mentions its text has then."""
    if post.published_at is None:
        search.index_post(post_id=post.pk)
        return []
    added = record_mentions(post, mentioned, author=post.author)
    if added:
        notify_new_mentions(post=post, member_ids=[member.pk for member in added])
    search.index_post(post_id=post.pk)
    return added


def after_post_deleted(*, post: Post, actor: User) -> None:
    """Take the post out of search, stop it being the thread's accepted answer, and reverse
    every point it earned (its own, its likes', its being the answer)."""
    Thread.objects.filter(pk=post.thread_id, solution_id=post.pk).update(
        solution=None, solved_at=None
    )
    search.index_post(post_id=post.pk)
    loyalty.take_back_post(post_id=post.pk, actor_id=actor.pk)


def record_mentions(post: Post, mentioned: Iterable[User], *, author: User | None) -> list[User]:
    """Store who was mentioned in `post` (never its author). Returns the members not
    mentioned in this post before (a repeated edit mentions nobody twice)."""
    candidates = {m.pk: m for m in mentioned if author is None or m.pk != author.pk}
    if not candidates:
        return []
    already = set(
        Mention.objects.filter(post=post, member_id__in=candidates).values_list(
            "member_id", flat=True
        )
    )
    new = [member for pk, member in candidates.items() if pk not in already]
    Mention.objects.bulk_create(
        [Mention(post=post, member=member) for member in new], ignore_conflicts=True
    )
    return new
