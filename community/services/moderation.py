"""What moderators do to content and members: approve, hide, restore, move, merge, warn,
suspend and lift. Each action checks the moderator's scope (community.policies.can_moderate:
a category moderator's powers stop at their categories), writes exactly one audit row in
its own transaction, resolves the open flags it answers and tells those concerned.

Pin, lock, edit and delete live in community.services.posting (audited there too).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from community import policies, search
from community.exceptions import ModerationError, NotAllowedError
from community.models import Category, Flag, ModerationAction, Post, Thread
from community.services import loyalty, posting
from community.services.audit import record_action
from community.services.post_effects import PostWritten, after_post_written
from members.mentions import render_with_mentions
from members.models import SUSPENDED_FOR_GOOD, User
from members.notifications.services import notify
from members.policies import is_staff

Action = ModerationAction.Action


def _moderated_post(moderator: User, post_id: int) -> Post:
    post = (
        policies.visible_posts(moderator)
        .select_for_update(of=("self",))
        .select_related("thread", "author")
        .get(pk=post_id)
    )
    if not policies.can_moderate(moderator, post.thread.category_id):
        raise NotAllowedError("Only the moderators of this category can do that.")
    return post


def _post_label(post: Post) -> str:
    return f"post #{post.number} in “{post.thread.title}”"


def resolve_flags(
    *,
    moderator: User,
    status: str,
    post: Post | None = None,
    thread: Thread | None = None,
    member: User | None = None,
) -> int:
    """Close the open flags on one item as acted on or dismissed, and tell each flagger the
    outcome (after commit). Returns how many were closed."""
    flags = Flag.objects.filter(status=Flag.Status.OPEN)
    if post is not None:
        flags = flags.filter(post=post)
    elif thread is not None:
        flags = flags.filter(thread=thread)
    elif member is not None:
        flags = flags.filter(member=member)
    else:
        return 0
    closed = list(flags.select_for_update().values_list("pk", "reporter_id"))
    if not closed:
        return 0
    Flag.objects.filter(pk__in=[pk for pk, _ in closed]).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )
    for flag_id, reporter_id in closed:
        notify(
            recipients=[reporter_id],
            kind="flag_outcome",
            actor_id=None,
            target_type="flag",
            target_id=flag_id,
            key=f"flag_outcome:{flag_id}",
        )
    return len(closed)


def _notify_member(action: ModerationAction, member_id: int | None) -> None:
    if member_id is None:
        return
    notify(
        recipients=[member_id],
        kind="moderation_notice",
        actor_id=None,  # moderators act as "the moderators", not by name
        target_type="moderation",
        target_id=action.pk,
        key=f"moderation:{action.pk}",
    )


@transaction.atomic
def approve_post(*, moderator: User, post_id: int, reason: str = "") -> Post:
    """Publish a held or hidden post, or keep a flagged one up: its open flags are
    dismissed. A post that was never published (held, or hidden while held) now counts
    for everyone (reply count, last activity, unread marks; a held thread appears in its
    category) and reaches the people it concerns (mentions, watchers), search and the
    ledger: exactly once, however often or concurrently it is approved.

    Raises NotAllowedError (outside the moderator's categories), ModerationError (deleted,
    or published with nothing to review).
    """
    post = _moderated_post(moderator, post_id)
    was = post.status
    has_flags = Flag.objects.filter(post=post, status=Flag.Status.OPEN).exists()
    if post.is_deleted or (was == Post.Status.PUBLISHED and not has_flags):
        raise ModerationError("There is nothing to approve on this post.")
    thread = post.thread
    if was != Post.Status.PUBLISHED:
        post.status, post.status_reason = Post.Status.PUBLISHED, ""
        post.save(update_fields=["status", "status_reason"])
        # A held post (or one hidden while held) counts and is announced now, once; a post
        # hidden after it was published comes back into search and earns its points again.
        first_time = _publish_first_time(post)
        if not first_time and was == Post.Status.HIDDEN:
            search.index_post(post_id=post.pk)
            _give_back_points(post)
    action = record_action(
        actor=moderator,
        action=Action.APPROVE_POST,
        target=_post_label(post),
        category=thread.category_id,
        thread=thread,
        post=post,
        member=post.author_id,
        reason=reason,
        before={"status": was},
        after={"status": Post.Status.PUBLISHED},
    )
    resolve_flags(moderator=moderator, status=Flag.Status.DISMISSED, post=post)
    if was != Post.Status.PUBLISHED:
        _notify_member(action, post.author_id)
    return post


def _publish_first_time(post: Post) -> bool:
    """A post that never counted for everyone (held, perhaps hidden since) counts now, once:
    the thread's counters, its activity (a held thread appears in its category), and every
    effect of a new post (mentions, watchers, search, points). Claimed by a conditional
    UPDATE on `published_at`, so approving twice, or at the same moment, applies it once.
    False (nothing done) when the post had counted already."""
    now = timezone.now()
    if not Post.objects.filter(pk=post.pk, published_at__isnull=True).update(published_at=now):
        return False
    post.published_at = now
    thread = post.thread
    counters: dict[str, object] = {
        "post_count": F("post_count") + 1,
        "last_published_number": Greatest(F("last_published_number"), post.number),
    }
    if post.number == 1 and thread.is_held:
        counters["is_held"] = False
        thread.is_held = False
        Category.objects.filter(pk=thread.category_id).update(thread_count=F("thread_count") + 1)
    else:
        counters.update(last_activity_at=now, last_poster_id=post.author_id)
    Thread.objects.filter(pk=thread.pk).update(**counters)
    if post.author is not None:
        _, mentioned = render_with_mentions(post.source)
        after_post_written(
            PostWritten(post=post, thread=thread, author=post.author, mentioned=mentioned)
        )
    return True


def _give_back_points(post: Post) -> None:
    """The post is back in sight (restored or approved after a hide): it earns again what
    taking it away reversed, once (nothing when its points are live or it never earned)."""
    if post.author_id is not None and loyalty.writing_is_taken_back(post.pk):
        loyalty.credit_restored_post(
            post_id=post.pk,
            author_id=post.author_id,
            starts_thread=post.number == 1,
            at=timezone.now(),
        )


@transaction.atomic
def hide_post(*, moderator: User, post_id: int, reason: str = "") -> Post:
    """Hide a post from everyone but its author and moderators; its open flags are acted on
    (flaggers told) and its author is told why; the points writing it and its likes earned
    are taken back (approving it gives them back). Undone by approve_post.

    Raises NotAllowedError, ModerationError (already hidden or deleted)."""
    post = _moderated_post(moderator, post_id)
    if post.is_deleted or post.status == Post.Status.HIDDEN:
        raise ModerationError("This post is already out of sight.")
    was = post.status
    post.status, post.status_reason = Post.Status.HIDDEN, reason[:300] or "Hidden by a moderator"
    post.save(update_fields=["status", "status_reason"])
    search.index_post(post_id=post.pk)
    loyalty.take_back_hidden_post(post_id=post.pk, actor_id=moderator.pk)
    action = record_action(
        actor=moderator,
        action=Action.HIDE_POST,
        target=_post_label(post),
        category=post.thread.category_id,
        thread=post.thread,
        post=post,
        member=post.author_id,
        reason=reason,
        before={"status": was},
        after={"status": Post.Status.HIDDEN},
    )
    resolve_flags(moderator=moderator, status=Flag.Status.UPHELD, post=post)
    _notify_member(action, post.author_id)
    return post


@transaction.atomic
def delete_flagged_post(*, moderator: User, post_id: int, reason: str = "") -> Post:
    """Soft-delete a post as a moderator (audited by posting.delete_post; restore undoes
    it); its open flags are acted on and its author is told."""
    _moderated_post(moderator, post_id)
    post = posting.delete_post(actor=moderator, post_id=post_id, reason=reason)
    resolve_flags(moderator=moderator, status=Flag.Status.UPHELD, post=post)
    action = ModerationAction.objects.filter(post=post, action=Action.DELETE_POST).first()
    if action is not None and post.author_id != moderator.pk:
        _notify_member(action, post.author_id)
    return post


@transaction.atomic
def restore_post(*, moderator: User, post_id: int, reason: str = "") -> Post:
    """Undo a delete (the author's or a moderator's); the post earns its points again (a
    hidden one when it is approved).
    Raises NotAllowedError, ModerationError (not deleted)."""
    post = _moderated_post(moderator, post_id)
    if not post.is_deleted:
        raise ModerationError("This post is not deleted.")
    post.is_deleted, post.deleted_at = False, None
    post.save(update_fields=["is_deleted", "deleted_at"])
    search.index_post(post_id=post.pk)
    if post.status == Post.Status.PUBLISHED:  # a hidden post earns again when approved
        _give_back_points(post)
    record_action(
        actor=moderator,
        action=Action.RESTORE_POST,
        target=_post_label(post),
        category=post.thread.category_id,
        thread=post.thread,
        post=post,
        member=post.author_id,
        reason=reason,
        before={"is_deleted": True},
        after={"is_deleted": False},
    )
    return post


def _moderated_thread(moderator: User, thread_id: int) -> Thread:
    thread = (
        policies.visible_threads(moderator)
        .select_for_update(of=("self",))
        .select_related("category")
        .get(pk=thread_id)
    )
    if not policies.can_moderate(moderator, thread.category_id):
        raise NotAllowedError("Only the moderators of this category can do that.")
    return thread


@transaction.atomic
def move_thread(*, moderator: User, thread_id: int, category_id: int, reason: str = "") -> Thread:
    """Move a thread to another category; the moderator must moderate both.

    Raises NotAllowedError, Category.DoesNotExist, ModerationError (same category)."""
    thread = _moderated_thread(moderator, thread_id)
    target = policies.visible_categories(moderator).get(pk=category_id)
    if not policies.can_moderate(moderator, target):
        raise NotAllowedError("You can move threads only into categories you moderate.")
    if target.pk == thread.category_id:
        raise ModerationError("The thread is already in that category.", field="category")
    source = thread.category
    thread.category = target
    thread.save(update_fields=["category"])
    if not thread.is_held:
        Category.objects.filter(pk=source.pk).update(thread_count=F("thread_count") - 1)
        Category.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1)
    record_action(
        actor=moderator,
        action=Action.MOVE_THREAD,
        target=f"thread “{thread.title}”",
        category=target,
        thread=thread,
        member=thread.author_id,
        reason=reason,
        before={"category": source.slug},
        after={"category": target.slug},
    )
    return thread


@transaction.atomic
def merge_threads(
    *, moderator: User, thread_id: int, into_thread_id: int, reason: str = ""
) -> Thread:
    """Move every post of one thread to the end of another (numbers follow on). The emptied
    thread is kept as a tombstone (merged_into: hidden, its address redirects) and each
    moved post remembers its thread and number, so staff can undo it (unmerge_threads).
    The audit row keeps both threads' counters as they were.

    Raises NotAllowedError (either thread outside the moderator's categories),
    ModerationError (a thread into itself)."""
    if thread_id == into_thread_id:
        raise ModerationError("Choose another thread to merge into.", field="into")
    first, second = sorted([thread_id, into_thread_id])  # lock in id order: no deadlock
    locked = {t.pk: t for t in (_moderated_thread(moderator, first),)}
    locked[second] = _moderated_thread(moderator, second)
    source, target = locked[thread_id], locked[into_thread_id]
    rows: list[tuple[int, int | None, int | None]] = list(
        Post.objects.filter(thread=source)
        .order_by("number")
        .values_list("pk", "merged_from_id", "merged_number")
    )
    moved = [pk for pk, _, _ in rows]
    # Marks of an earlier merge these posts carry: given back when this one is undone.
    earlier = {str(pk): [was, number] for pk, was, number in rows if was is not None}
    flags = list(Flag.objects.filter(thread=source).values_list("pk", flat=True))
    offset = target.last_number
    # Numbers follow on after the target's last (held posts' numbers included), so the
    # unique (thread, number) holds for every row as it moves.
    Post.objects.filter(thread=source).update(
        thread=target, number=F("number") + offset, merged_from=source, merged_number=F("number")
    )
    last = Post.objects.filter(thread=target).order_by("-created_at").first()
    Thread.objects.filter(pk=target.pk).update(
        **_counted(target.pk),
        last_activity_at=max(target.last_activity_at, source.last_activity_at),
        last_poster_id=last.author_id if last else target.last_poster_id,
    )
    record_action(
        actor=moderator,
        action=Action.MERGE_THREADS,
        target=f"thread “{source.title}” into “{target.title}”",
        category=target.category_id,
        thread=target,
        member=source.author_id,
        reason=reason,
        before={
            "thread": source.pk,
            "title": source.title,
            "category": source.category.slug,
            "posts": moved,
            "earlier": earlier,
            "flags": flags,
            "target": _counters(target),
        },
        after={"thread": target.pk, "first_number": offset + 1},
    )
    if not source.is_held:
        Category.objects.filter(pk=source.category_id).update(thread_count=F("thread_count") - 1)
    Flag.objects.filter(pk__in=flags).update(thread=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    search.index_posts(moved)
    target.refresh_from_db()
    return target


def _counted(thread_id: int) -> dict[str, int]:
    """A thread's counters as its posts stand (one query): what everyone sees counted (held
    posts not) and the highest number given. For merges, which move posts in bulk."""
    published = Q(published_at__isnull=False)
    found = Post.objects.filter(thread_id=thread_id).aggregate(
        post_count=Count("pk", filter=published),
        last_published_number=Max("number", filter=published),
        last_number=Max("number"),
    )
    return {name: value or 0 for name, value in found.items()}


def _counters(thread: Thread) -> dict[str, object]:
    return {
        "post_count": thread.post_count,
        "last_activity_at": thread.last_activity_at.isoformat(),
        "last_poster": thread.last_poster_id,
    }


@transaction.atomic
def unmerge_threads(*, actor: User, action_id: int, reason: str = "") -> Thread:
    """Undo a merge (staff only), from its audit row: the moved posts go back to the kept
    source thread with their own numbers, both threads' counters are restored (the target's
    as they were, unless it has had replies since), and one audit row records it. Returns
    the source thread.

    Raises NotAllowedError (not staff), ModerationAction.DoesNotExist (not a merge),
    ModerationError (already undone, from before merges were kept, target merged since)."""
    if not is_staff(actor):
        raise NotAllowedError("Only staff undo merges.")
    merge = ModerationAction.objects.select_for_update().get(
        pk=action_id, action=Action.MERGE_THREADS
    )
    before, after = merge.before or {}, merge.after or {}
    if "target" not in before:
        raise ModerationError("This merge was made before merges could be undone.")
    if ModerationAction.objects.filter(
        action=Action.UNMERGE_THREADS, before__merge=merge.pk
    ).exists():
        raise ModerationError("This merge has already been undone.")
    first, second = sorted([before["thread"], after["thread"]])
    locked = {
        t.pk: t
        for t in Thread.objects.select_for_update()
        .select_related("category")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    source, target = locked.get(before["thread"]), locked.get(after["thread"])
    if source is None or target is None or source.merged_into_id != target.pk:
        raise ModerationError("The threads have changed since: this merge can't be undone.")
    if target.merged_into_id is not None:
        raise ModerationError("Undo the later merge of the target thread first.")
    moved = list(
        Post.objects.filter(thread=target, merged_from=source)
        .order_by("merged_number")
        .values_list("pk", flat=True)
    )
    Post.objects.filter(pk__in=moved).update(
        thread=source, number=F("merged_number"), merged_from=None, merged_number=None
    )
    for pk, (was, number) in before.get("earlier", {}).items():
        Post.objects.filter(pk=int(pk), thread=source).update(merged_from=was, merged_number=number)
    old = before["target"]
    first_number = after["first_number"]
    newest = Post.objects.filter(thread=target).order_by("-number").first()
    if newest is None or newest.number < first_number:  # no replies since: as it was
        last_activity_at = datetime.fromisoformat(old["last_activity_at"])
        last_poster_id = old["last_poster"]
    else:
        latest = Post.objects.filter(thread=target).order_by("-created_at").first()
        assert latest is not None  # noqa: S101  # newest exists
        last_activity_at, last_poster_id = latest.created_at, latest.author_id
    target_update: dict[str, object] = {
        **_counted(target.pk),
        "last_activity_at": last_activity_at,
        "last_poster_id": last_poster_id,
    }
    if target.solution_id in moved:
        target_update.update(solution=None, solved_at=None)
    Thread.objects.filter(pk=target.pk).update(**target_update)
    source.merged_into = None
    source.save(update_fields=["merged_into"])
    Thread.objects.filter(pk=source.pk).update(**_counted(source.pk))
    if not source.is_held:
        Category.objects.filter(pk=source.category_id).update(thread_count=F("thread_count") + 1)
    Flag.objects.filter(pk__in=before.get("flags", []), thread=target).update(thread=source)
    record_action(
        actor=actor,
        action=Action.UNMERGE_THREADS,
        target=f"thread “{source.title}” out of “{target.title}”",
        category=source.category_id,
        thread=source,
        member=source.author_id,
        reason=reason,
        before={"merge": merge.pk, "thread": target.pk, "posts": moved},
        after={"thread": source.pk, "post_count": source.post_count},
    )
    search.index_posts(moved)
    source.refresh_from_db()
    return source


def _ensure_forum_moderator(actor: User, what: str) -> None:
    if not policies.can_moderate_everywhere(actor):
        raise NotAllowedError(f"Only forum-wide moderators and staff {what}.")


def _moderated_member(actor: User, member_id: int) -> User:
    member = User.objects.select_for_update().get(pk=member_id, is_active=True)
    if member.pk == actor.pk:
        raise ModerationError("You can't do that to yourself.")
    if (member.is_staff or member.is_moderator) and not is_staff(actor):
        raise NotAllowedError("Only staff act on moderators and staff.")
    return member


@transaction.atomic
def warn_member(
    *, moderator: User, member_id: int, reason: str, post_id: int | None = None
) -> ModerationAction:
    """A private message from the moderators (a notification with the reason). A category
    moderator warns about a post in their categories; forum-wide moderators anyone.

    Raises NotAllowedError, ModerationError (no reason)."""
    if not reason.strip():
        raise ModerationError("Say why: the member reads this.", field="reason")
    post = None
    if post_id is not None:
        post = _moderated_post(moderator, post_id)
        if post.author_id != member_id:
            raise ModerationError("That post is not theirs.", field="post")
    else:
        _ensure_forum_moderator(moderator, "warn members outside a post")
    member = _moderated_member(moderator, member_id)
    action = record_action(
        actor=moderator,
        action=Action.WARN,
        target=f"@{member.handle}",
        category=post.thread.category_id if post else None,
        thread=post.thread if post else None,
        post=post,
        member=member,
        reason=reason.strip(),
    )
    _notify_member(action, member.pk)
    return action


@transaction.atomic
def suspend_member(*, moderator: User, member_id: int, reason: str, until: datetime | None) -> User:
    """Suspend a member until `until` (None: for good). They keep reading but cannot post,
    react, flag, register, ask or vote; the suspension ends by itself at `until` (a
    time check, no job). Forum-wide moderators and staff; only staff suspend moderators.

    Raises NotAllowedError, ModerationError (no reason, a time in the past)."""
    _ensure_forum_moderator(moderator, "suspend members")
    if not reason.strip():
        raise ModerationError("Say why: the member reads this.", field="reason")
    if until is not None and until <= timezone.now():
        raise ModerationError("Choose a time in the future.", field="until")
    member = _moderated_member(moderator, member_id)
    before = member.suspended_until.isoformat() if member.suspended_until else None
    member.suspended_until = until or SUSPENDED_FOR_GOOD
    member.suspension_reason = reason.strip()[:500]
    member.save(update_fields=["suspended_until", "suspension_reason"])
    action = record_action(
        actor=moderator,
        action=Action.SUSPEND,
        target=f"@{member.handle}",
        member=member,
        reason=member.suspension_reason,
        before={"suspended_until": before},
        after={"suspended_until": member.suspended_until.isoformat()},
    )
    _notify_member(action, member.pk)
    return member


@transaction.atomic
def unsuspend_member(*, moderator: User, member_id: int, reason: str = "") -> User:
    """Lift a suspension early. Raises NotAllowedError, ModerationError (not suspended)."""
    _ensure_forum_moderator(moderator, "lift suspensions")
    member = _moderated_member(moderator, member_id)
    if not member.is_suspended:
        raise ModerationError("This member is not suspended.")
    before = member.suspended_until.isoformat() if member.suspended_until else None
    member.suspended_until, member.suspension_reason = None, ""
    member.save(update_fields=["suspended_until", "suspension_reason"])
    action = record_action(
        actor=moderator,
        action=Action.UNSUSPEND,
        target=f"@{member.handle}",
        member=member,
        reason=reason,
        before={"suspended_until": before},
        after={"suspended_until": None},
    )
    _notify_member(action, member.pk)
    return member


@transaction.atomic
def dismiss_flags(
    *, moderator: User, thread_id: int | None = None, member_id: int | None = None, reason: str = ""
) -> int:
    """Keep a flagged thread or profile as it is: its open flags are dismissed (flaggers
    told). Posts use approve_post. Raises NotAllowedError, ModerationError (no open flags)."""
    thread = member = None
    if thread_id is not None:
        thread = _moderated_thread(moderator, thread_id)
        target, category = f"thread “{thread.title}”", thread.category_id
    elif member_id is not None:
        _ensure_forum_moderator(moderator, "review flagged profiles")
        member = User.objects.get(pk=member_id)
        target, category = f"@{member.handle}", None
    else:
        raise ModerationError("Nothing to dismiss.")
    closed = resolve_flags(
        moderator=moderator, status=Flag.Status.DISMISSED, thread=thread, member=member
    )
    if not closed:
        raise ModerationError("There are no open flags on this.")
    record_action(
        actor=moderator,
        action=Action.DISMISS_FLAGS,
        target=target,
        category=category,
        thread=thread,
        member=member or (thread.author_id if thread else None),
        reason=reason,
        before={"open_flags": closed},
        after={"open_flags": 0},
    )
    return closed
