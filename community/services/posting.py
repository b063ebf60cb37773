"""Starting threads, replying, editing and deleting posts, accepting answers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from community import policies, search
from community.exceptions import (
    AnswerNotAcceptableError,
    InvalidPostError,
    NotAllowedError,
    PostingNotAllowedError,
    ThreadLockedError,
)
from community.models import (
    Category,
    ModerationAction,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from community.services import loyalty, trust
from community.services.audit import record_action
from community.services.engagement import mark_read
from community.services.notifying import notify_answer_accepted
from community.services.post_effects import (
    PostWritten,
    after_post_deleted,
    after_post_edited,
    after_post_written,
)
from core.models import Topic
from core.params import without_control_characters
from members.mentions import render_with_mentions
from members.models import User
from members.policies import ensure_not_suspended

MAX_POST_LENGTH = 50_000
MAX_TITLE_LENGTH = 200
MIN_TITLE_LENGTH = 5


def _clean_body(body: str) -> str:
    cleaned = without_control_characters(body).strip()
    if not cleaned:
        raise InvalidPostError("Write something before posting.", field="body")
    if len(cleaned) > MAX_POST_LENGTH:
        raise InvalidPostError(
            f"Posts are limited to {MAX_POST_LENGTH:,} characters; this one has "
            f"{len(cleaned):,}. Split it into two, or link to a gist.",
            field="body",
        )
    return cleaned


def render_post(body: str) -> tuple[str, str, list[User]]:
    """A post's text as it is stored: the cleaned Markdown source, its HTML (through core's
    one sanitiser) and the members it mentions. Saving and the composer's preview both call
    this, so a preview shows exactly what posting stores.

    Raises InvalidPostError (empty or too long). Writes nothing.
    """
    clean_body = _clean_body(body)
    rendered, mentioned = render_with_mentions(clean_body)
    return clean_body, rendered.html, mentioned


def _clean_title(title: str) -> str:
    cleaned = " ".join(without_control_characters(title).split())
    if len(cleaned) < MIN_TITLE_LENGTH:
        raise InvalidPostError(
            f"Give the thread a title of at least {MIN_TITLE_LENGTH} characters.", field="title"
        )
    if len(cleaned) > MAX_TITLE_LENGTH:
        raise InvalidPostError(
            f"Titles are limited to {MAX_TITLE_LENGTH} characters.", field="title"
        )
    return cleaned


def _ensure_can_post(member: User) -> None:
    ensure_not_suspended(member)
    if not policies.can_post(member):
        raise PostingNotAllowedError("Verify your email address before you post.")


def _review(*, author: User, source: str, mentioned: list[User], thread_id: int | None) -> str:
    """New-member limits (raise) and spam signals: the reason to hold the post, or ""."""
    is_new = trust.check_new_member_limits(
        member=author, source=source, mention_count=len(mentioned)
    )
    return trust.hold_reason(member=author, source=source, thread_id=thread_id, is_new=is_new)


def _after_held_post(post: Post, thread: Thread, author: User) -> None:
    """A held post tells no one and is not searchable until approved; its author watches
    the thread and has read it to their post, as with any post."""
    Subscription.objects.get_or_create(member=author, thread=thread)
    mark_read(member=author, thread_id=thread.pk, number=post.number)


@transaction.atomic
def create_thread(
    *,
    author: User,
    category_id: int,
    title: str,
    body: str,
    kind: str = Thread.Kind.DISCUSSION,
    topics: Iterable[Topic] = (),
) -> Thread:
    """Start a thread with its opening post. The author watches it from then on.

    Raises PostingNotAllowedError (unverified), InvalidPostError (title or body),
    Category.DoesNotExist for a category the author cannot see.
    """
    _ensure_can_post(author)
    category = policies.visible_categories(author).get(pk=category_id)
    clean_title = _clean_title(title)
    clean_body, html, mentioned = render_post(body)
    if kind not in Thread.Kind.values:
        raise InvalidPostError("Choose a discussion or a question.", field="kind")
    held = _review(author=author, source=clean_body, mentioned=mentioned, thread_id=None)
    now = timezone.now()
    thread = Thread.objects.create(
        category=category,
        kind=kind,
        title=clean_title,
        author=author,
        created_at=now,
        last_activity_at=now,
        last_poster=author,
        # A held opening post counts from its approval (moderation.approve_post).
        post_count=0 if held else 1,
        last_published_number=0 if held else 1,
        last_number=1,
        is_held=bool(held),
    )
    thread.topics.set(topics)
    post = Post.objects.create(
        thread=thread,
        number=1,
        author=author,
        source=clean_body,
        html=html,
        created_at=now,
        status=Post.Status.HELD if held else Post.Status.PUBLISHED,
        status_reason=held,
        published_at=None if held else now,
    )
    if held:
        _after_held_post(post, thread, author)
        return thread
    Category.objects.filter(pk=category.pk).update(thread_count=F("thread_count") + 1)
    after_post_written(PostWritten(post=post, thread=thread, author=author, mentioned=mentioned))
    return thread


@transaction.atomic
def reply(*, author: User, thread_id: int, body: str) -> Post:
    """Add a reply. Numbers are assigned under a row lock, so they never collide.

    Raises ThreadLockedError, InvalidPostError (empty, too long, or the author's own last
    post in this thread repeated), PostingNotAllowedError, Thread.DoesNotExist (invisible).
    """
    _ensure_can_post(author)
    visible = policies.visible_threads(author).filter(pk=thread_id)
    thread = (
        Thread.objects.select_for_update()
        .select_related("category")
        .get(pk__in=visible.values("pk"))
    )
    if thread.is_locked and not policies.can_moderate(author, thread.category_id):
        raise ThreadLockedError("This thread is locked; it takes no new replies.")
    clean_body, html, mentioned = render_post(body)
    last = Post.objects.filter(thread=thread).order_by("-number").only("author", "source").first()
    if last and last.author_id == author.pk and last.source == clean_body:
        raise InvalidPostError("You just posted exactly this. Edit it instead?", field="body")
    held = _review(author=author, source=clean_body, mentioned=mentioned, thread_id=thread.pk)
    now = timezone.now()
    number = thread.last_number + 1
    post = Post.objects.create(
        thread=thread,
        number=number,
        author=author,
        source=clean_body,
        html=html,
        created_at=now,
        status=Post.Status.HELD if held else Post.Status.PUBLISHED,
        status_reason=held,
        published_at=None if held else now,
    )
    if held:  # takes its number; it counts for everyone (and moves activity) when approved
        Thread.objects.filter(pk=thread.pk).update(last_number=number)
        _after_held_post(post, thread, author)
        return post
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + 1,
        last_published_number=number,
        last_number=number,
        last_activity_at=now,
        last_poster=author,
    )
    after_post_written(PostWritten(post=post, thread=thread, author=author, mentioned=mentioned))
    return post


@transaction.atomic
def edit_post(*, editor: User, post_id: int, body: str) -> Post:
    """Change a post's text, keeping the previous version in its history.

    Raises NotAllowedError (not the author or a moderator), InvalidPostError.
    """
    post = (
        policies.visible_posts(editor)
        .select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post_id)
    )
    ensure_not_suspended(editor)
    if not policies.can_edit_post(editor, post):
        raise NotAllowedError("Only the author or a moderator can edit this post.")
    clean_body = _clean_body(body)
    if clean_body == post.source:
        return post
    if post.author_id == editor.pk:  # an edit cannot slip past the new-member limits
        _, would_mention = render_with_mentions(clean_body)
        trust.check_new_member_limits(
            member=editor, source=clean_body, mention_count=len(would_mention)
        )
    PostRevision.objects.create(post=post, source=post.source, html=post.html, edited_by=editor)
    if post.author_id != editor.pk:  # a moderator's edit: audited, with before and after
        record_action(
            actor=editor,
            action=ModerationAction.Action.EDIT_POST,
            target=_post_label(post),
            category=post.thread.category_id,
            thread=post.thread,
            post=post,
            member=post.author_id,
            before={"source": post.source},
            after={"source": clean_body},
        )
    clean_body, html, mentioned = render_post(clean_body)
    post.source, post.html = clean_body, html
    post.edited_at = timezone.now()
    post.edit_count = F("edit_count") + 1
    post.save(update_fields=["source", "html", "edited_at", "edit_count"])
    post.refresh_from_db(fields=["edit_count"])
    after_post_edited(post=post, editor=editor, mentioned=mentioned)
    return post


@transaction.atomic
def edit_thread(
    *, editor: User, thread_id: int, title: str, topics: Iterable[Topic] | None = None
) -> Thread:
    """Rename a thread or change its topics (author or moderator)."""
    ensure_not_suspended(editor)
    thread = policies.visible_threads(editor).select_for_update(of=("self",)).get(pk=thread_id)
    if not policies.can_edit_thread(editor, thread):
        raise NotAllowedError("Only the author (while it is open) or a moderator can edit this.")
    topics = list(topics) if topics is not None else None
    before_title = thread.title
    before_topics = sorted(thread.topics.values_list("slug", flat=True))
    thread.title = _clean_title(title)
    thread.save(update_fields=["title"])
    if topics is not None:
        thread.topics.set(topics)
    if thread.author_id != editor.pk:  # a moderator's edit: audited, with before and after
        after_topics = sorted(t.slug for t in topics) if topics is not None else before_topics
        record_action(
            actor=editor,
            action=ModerationAction.Action.EDIT_THREAD,
            target=f"thread “{before_title}”",
            category=thread.category_id,
            thread=thread,
            member=thread.author_id,
            before={"title": before_title, "topics": before_topics},
            after={"title": thread.title, "topics": after_topics},
        )
    opening = Post.objects.filter(thread=thread, number=1).values_list("pk", flat=True).first()
    if opening:
        search.index_post(post_id=opening)
    return thread


@transaction.atomic
def delete_post(*, actor: User, post_id: int, reason: str = "") -> Post:
    """Soft-delete: the post stays in place, shown as deleted; its text is kept for history.

    An accepted answer that is deleted stops being the answer.
    """
    ensure_not_suspended(actor)
    post = policies.visible_posts(actor).select_related("thread").get(pk=post_id)
    if not policies.can_delete_post(actor, post):
        raise NotAllowedError("Only the author or a moderator can delete this post.")
    post.is_deleted, post.deleted_at = True, timezone.now()
    post.save(update_fields=["is_deleted", "deleted_at"])
    if post.author_id != actor.pk:  # a moderator's delete: audited (restore undoes it)
        record_action(
            actor=actor,
            action=ModerationAction.Action.DELETE_POST,
            target=_post_label(post),
            category=post.thread.category_id,
            thread=post.thread,
            post=post,
            member=post.author_id,
            reason=reason,
            before={"is_deleted": False},
            after={"is_deleted": True},
        )
    after_post_deleted(post=post, actor=actor)
    return post


@transaction.atomic
def accept_answer(*, actor: User, thread_id: int, post_id: int) -> Thread:
    """Mark a reply as the accepted answer; it replaces any previous one (whose points are
    reversed); the answer's author earns points, unless they accepted it themself.

    Only the asker or a moderator; only replies (not the question itself), not deleted.
    """
    ensure_not_suspended(actor)
    thread = policies.visible_threads(actor).select_for_update(of=("self",)).get(pk=thread_id)
    if not policies.can_accept_answer(actor, thread):
        raise NotAllowedError("Only the person who asked, or a moderator, can accept an answer.")
    previous_solution_id = thread.solution_id
    post = Post.objects.filter(thread=thread, pk=post_id).first()
    if post is None or post.number == 1 or post.is_deleted:
        raise AnswerNotAcceptableError("Choose one of the replies as the answer.", field="post")
    thread.solution = post
    if previous_solution_id != post.pk:
        thread.solved_at = timezone.now()
    thread.save(update_fields=["solution", "solved_at"])
    if previous_solution_id != post.pk:
        if previous_solution_id is not None:
            loyalty.take_back_accepted_answer(post_id=previous_solution_id, actor_id=actor.pk)
        if post.author_id is not None and thread.solved_at is not None:
            loyalty.credit_accepted_answer(
                post_id=post.pk,
                author_id=post.author_id,
                accepted_by_id=actor.pk,
                accepted_at=thread.solved_at,
            )
        notify_answer_accepted(post=post, actor_id=actor.pk)
    return thread


@transaction.atomic
def unaccept_answer(*, actor: User, thread_id: int) -> Thread:
    """Clear the accepted answer (asker or moderator), reversing the points it earned.
    Raises NotAllowedError."""
    ensure_not_suspended(actor)
    thread = policies.visible_threads(actor).select_for_update(of=("self",)).get(pk=thread_id)
    if not policies.can_accept_answer(actor, thread):
        raise NotAllowedError("Only the person who asked, or a moderator, can change the answer.")
    previous_solution_id = thread.solution_id
    thread.solution = None
    thread.solved_at = None
    thread.save(update_fields=["solution", "solved_at"])
    if previous_solution_id is not None:
        loyalty.take_back_accepted_answer(post_id=previous_solution_id, actor_id=actor.pk)
    return thread


@transaction.atomic
def set_thread_state(
    *,
    moderator: User,
    thread_id: int,
    is_pinned: bool | None = None,
    is_pinned_globally: bool | None = None,
    is_locked: bool | None = None,
    reason: str = "",
) -> Thread:
    """Pin (in the category or everywhere) or lock a thread: moderators of its category
    (pinning on Latest: forum-wide ones). One audit row per call that changes something."""
    thread = policies.visible_threads(moderator).select_for_update(of=("self",)).get(pk=thread_id)
    if not policies.can_moderate(moderator, thread.category_id):
        raise NotAllowedError("Only moderators can pin or lock threads.")
    if is_pinned_globally is not None and not policies.can_moderate_everywhere(moderator):
        raise NotAllowedError("Only forum-wide moderators pin a thread on Latest.")
    changes = {
        name: value
        for name, value in (
            ("is_pinned", is_pinned),
            ("is_pinned_globally", is_pinned_globally),
            ("is_locked", is_locked),
        )
        if value is not None
    }
    changes = {name: value for name, value in changes.items() if getattr(thread, name) != value}
    if not changes:
        return thread
    before = {name: getattr(thread, name) for name in changes}
    for name, value in changes.items():
        setattr(thread, name, value)
    thread.save(update_fields=list(changes))
    name, value = next(iter(changes.items()))
    record_action(
        actor=moderator,
        action=THREAD_STATE_ACTIONS[name][value],
        target=f"thread “{thread.title}”",
        category=thread.category_id,
        thread=thread,
        member=thread.author_id,
        reason=reason,
        before=before,
        after=changes,
    )
    return thread


Action = ModerationAction.Action
THREAD_STATE_ACTIONS = {
    "is_pinned": {True: Action.PIN, False: Action.UNPIN},
    "is_pinned_globally": {True: Action.PIN_GLOBALLY, False: Action.UNPIN_GLOBALLY},
    "is_locked": {True: Action.LOCK, False: Action.UNLOCK},
}


def _post_label(post: Post) -> str:
    return f"post #{post.number} in “{post.thread.title}”"
