"""Reactions, watching, read state and view counts: the cheap, frequent writes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from community import policies
from community.exceptions import (
    InvalidLevelError,
    PostingNotAllowedError,
    ReactionNotAllowedError,
)
from community.models import Post, Reaction, ReadState, Subscription, Thread
from community.notifications import thread_scope
from community.services import loyalty
from community.services.notifying import notify_reaction
from core import page_cache
from members.models import User
from members.notifications.services import mark_scope_read
from members.policies import ensure_not_suspended
from members.referrals.models import Referral
from members.referrals.services import note_community_act

#: Views are counted in the cache and written to the thread once this many pile up.
VIEW_FLUSH_EVERY = 10

COUNTER_FIELD = {
    Reaction.Kind.LIKE: "like_count",
    Reaction.Kind.THANKS: "thanks_count",
    Reaction.Kind.INSIGHTFUL: "insightful_count",
    Reaction.Kind.LAUGH: "laugh_count",
}


def _reactable_post(member: User, post_id: int) -> Post:
    post = (
        policies.visible_posts(member)
        .select_related("thread")
        .only("id", "number", "author_id", "is_deleted", "thread__id", "thread__category_id")
        .get(pk=post_id)
    )
    if post.author_id == member.pk:
        raise ReactionNotAllowedError("You can't react to your own post.")
    if post.is_deleted:
        raise ReactionNotAllowedError("This post was deleted.")
    return post


def add_reaction(*, member: User, post_id: int, kind: str) -> bool:
    """React to someone else's post, once per kind. False when already there.

    The unique constraint decides "once" even under concurrent requests; the counter moves
    only when this call inserted the row, by an F() update, so it never double-counts. A
    like earns the author points (loyalty ledger, within its caps).
    """
    ensure_not_suspended(member)
    if not policies.can_post(member):
        raise PostingNotAllowedError("Verify your email address before you react.")
    if kind not in COUNTER_FIELD:
        raise ReactionNotAllowedError("Unknown reaction.", field="kind")
    post = _reactable_post(member, post_id)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, member=member, kind=kind)
            field = COUNTER_FIELD[Reaction.Kind(kind)]
            Post.objects.filter(pk=post.pk).update(**{field: F(field) + 1})
            notify_reaction(post=post, member_id=member.pk, kind=kind)
            if kind == Reaction.Kind.LIKE and post.author_id is not None:
                loyalty.credit_like(
                    reaction_id=reaction.pk,
                    post_id=post.pk,
                    author_id=post.author_id,
                    liker_id=member.pk,
                )
    except IntegrityError:
        return False
    if kind == Reaction.Kind.LIKE and post.number > 1 and post.author_id is not None:
        # A reply someone else liked activates the author's referral (issue 9, item 7).
        note_community_act(member_id=post.author_id, act=Referral.Act.REPLY_LIKED)
    return True


@transaction.atomic
def remove_reaction(*, member: User, post_id: int, kind: str) -> bool:
    """Take a reaction back (a like's points are reversed). False when there was none."""
    ensure_not_suspended(member)
    if kind not in COUNTER_FIELD:
        raise ReactionNotAllowedError("Unknown reaction.", field="kind")
    post = policies.visible_posts(member).only("id").get(pk=post_id)
    deleted, _ = Reaction.objects.filter(post=post, member=member, kind=kind).delete()
    if deleted:
        field = COUNTER_FIELD[Reaction.Kind(kind)]
        Post.objects.filter(pk=post.pk, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})
        if kind == Reaction.Kind.LIKE:
            loyalty.take_back_like(post_id=post.pk, liker_id=member.pk)
    return bool(deleted)


def _checked_level(level: str) -> str:
    if level not in Subscription.Level.values:
        raise InvalidLevelError("Choose watching, tracking, normal or muted.", field="level")
    return level


def set_thread_level(*, member: User, thread_id: int, level: str) -> Subscription:
    """Set the member's notification level for a thread they may see (it wins over the
    category's). Raises InvalidLevelError, Thread.DoesNotExist."""
    level = _checked_level(level)
    thread = policies.visible_threads(member).get(pk=thread_id)
    subscription, _ = Subscription.objects.update_or_create(
        member=member, thread=thread, defaults={"level": level}
    )
    return subscription


def set_category_level(*, member: User, category_id: int, level: str) -> Subscription:
    """Set the member's notification level for a category they may see. Muted takes its
    threads out of the member's Latest, For you and digest. Raises InvalidLevelError,
    Category.DoesNotExist."""
    level = _checked_level(level)
    category = policies.visible_categories(member).get(pk=category_id)
    subscription, _ = Subscription.objects.update_or_create(
        member=member, category=category, defaults={"level": level}
    )
    return subscription


def watch_thread(*, member: User, thread_id: int) -> Subscription:
    """Watch a thread the member may see (idempotent). Raises Thread.DoesNotExist."""
    return set_thread_level(member=member, thread_id=thread_id, level=Subscription.Level.WATCHING)


def unwatch_thread(*, member: User, thread_id: int) -> bool:
    """Stop watching a thread. False when the member did not watch it."""
    deleted, _ = Subscription.objects.filter(member=member, thread_id=thread_id).delete()
    return bool(deleted)


def watch_category(*, member: User, category_id: int) -> Subscription:
    """Watch a category the member may see (idempotent). Raises Category.DoesNotExist."""
    return set_category_level(
        member=member, category_id=category_id, level=Subscription.Level.WATCHING
    )


def unwatch_category(*, member: User, category_id: int) -> bool:
    """Stop watching a category. False when the member did not watch it."""
    deleted, _ = Subscription.objects.filter(member=member, category_id=category_id).delete()
    return bool(deleted)


class _Unknown:
    """Marks "the caller did not load the current read marker"."""


UNKNOWN = _Unknown()


def mark_read(
    *, member: User, thread_id: int, number: int, known: int | _Unknown | None = UNKNOWN
) -> bool:
    """Move the member's read marker forward to post `number`. Never backwards.

    Writes only when the marker moves, so re-reading a page costs no write. A caller that
    already loaded the marker passes it as `known` (None: never read) and the call costs at
    most one query. It records the member's own progress and reveals nothing, so it does
    not re-check visibility: callers reach it with a thread loaded through the policy.
    """
    if isinstance(known, int) and number <= known:
        return False
    now = timezone.now()
    if known is None:
        try:
            with transaction.atomic():
                ReadState.objects.create(
                    member=member, thread_id=thread_id, last_read_number=number, updated_at=now
                )
        except IntegrityError:  # a concurrent request created it: move it forward instead
            return mark_read(member=member, thread_id=thread_id, number=number)
        return True
    moved = ReadState.objects.filter(
        member=member, thread_id=thread_id, last_read_number__lt=number
    ).update(last_read_number=number, updated_at=now)
    if moved or not isinstance(known, _Unknown):
        return bool(moved)
    if ReadState.objects.filter(member=member, thread_id=thread_id).exists():
        return False
    return mark_read(member=member, thread_id=thread_id, number=number, known=None)


def record_thread_visit(
    *, viewer: User | AnonymousUser, thread_id: int, read_to: int | None, known: int | None
) -> None:
    """What reading a thread writes: one view (counted in the cache) and, for a member who
    saw posts, the read marker moved forward to `read_to` (`known` is the marker the
    screen loaded, so an unchanged marker costs no query)."""
    record_view(thread_id=thread_id)
    if isinstance(viewer, User) and read_to is not None:
        mark_read(member=viewer, thread_id=thread_id, number=read_to, known=known)
        mark_scope_read(member_id=viewer.pk, scope=thread_scope(thread_id))


def record_view(*, thread_id: int) -> None:
    """Count a view in the cache; write the pile to the thread every VIEW_FLUSH_EVERY views.

    An anonymous page view costs no database write most of the time.
    """
    key = f"thread-views:{thread_id}"
    try:
        pending = cache.incr(key)
    except ValueError:
        cache.add(key, 0, timeout=None)
        pending = cache.incr(key)
    if pending >= VIEW_FLUSH_EVERY:
        cache.decr(key, pending)
        # Approximate by design: a visitor's cached page may show the count a minute late.
        with page_cache.quiet():
            Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + pending)


def forget_reactions_of(member: User) -> None:
    """Take a departing member's reactions off the posts' counters (the rows cascade)."""
    for kind, field in COUNTER_FIELD.items():
        post_ids = list(
            Reaction.objects.filter(member=member, kind=kind).values_list("post_id", flat=True)
        )
        if post_ids:
            Post.objects.filter(pk__in=post_ids, **{f"{field}__gt": 0}).update(
                **{field: F(field) - 1}
            )
