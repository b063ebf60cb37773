"""AMA questions: asking (optionally anonymous), one upvote per member, the hosts' queue
(approve, star, now answering, answered, archive), and the recap posted in the event's
discussion thread afterwards.

Every change bumps the event's questions_version (F()), which the live page polls.
"""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from community.models import Post
from community.services import posting
from core.exceptions import DomainError
from core.params import without_control_characters
from events import notifications, policies
from events.exceptions import InvalidQuestionError, NotAllowedError
from events.models import Event, Question, QuestionVote, Registration
from events.services.publishing import is_web_link
from members.models import User
from members.notifications.services import notify
from members.policies import ensure_not_suspended

logger = logging.getLogger(__name__)

MIN_QUESTION_LENGTH = 5
MAX_QUESTION_LENGTH = 1000


class HostAction:
    """What a host (or moderator) does to a question."""

    APPROVE = "approve"
    STAR = "star"
    UNSTAR = "unstar"
    ANSWERING = "answering"
    ANSWERED = "answered"
    ARCHIVE = "archive"
    REOPEN = "reopen"
    values = (APPROVE, STAR, UNSTAR, ANSWERING, ANSWERED, ARCHIVE, REOPEN)


def bump_questions_version(event_id: int) -> None:
    """Tell live pages that the questions changed."""
    Event.objects.filter(pk=event_id).update(questions_version=F("questions_version") + 1)


def _visible_event(viewer: User, event_id: int) -> Event:
    return policies.visible_events(viewer).prefetch_related("hosts").get(pk=event_id)


def _registration(event: Event, member: User) -> Registration | None:
    return Registration.objects.filter(event=event, member=member).first()


@transaction.atomic
def ask_question(*, event_id: int, member: User, body: str, is_anonymous: bool) -> Question:
    """Ask a question in an AMA, before or during it. An anonymous question hides the
    author from other members (hosts and moderators still see who asked) and waits for a
    host's approval before others see it.

    Raises Event.DoesNotExist, NotAllowedError (not registered, not an AMA, over),
    InvalidQuestionError (field "body")."""
    ensure_not_suspended(member)
    event = _visible_event(member, event_id)
    if not policies.can_ask_questions(member, event, _registration(event, member), timezone.now()):
        raise NotAllowedError("Register for this AMA to ask questions (until it ends).")
    text = without_control_characters(body).strip()
    if not MIN_QUESTION_LENGTH <= len(text) <= MAX_QUESTION_LENGTH:
        raise InvalidQuestionError(
            f"Ask in {MIN_QUESTION_LENGTH} to {MAX_QUESTION_LENGTH:,} characters.", field="body"
        )
    question = Question.objects.create(
        event=event,
        author=member,
        body=text,
        is_anonymous=is_anonymous,
        status=Question.Status.PENDING if is_anonymous else Question.Status.OPEN,
    )
    bump_questions_version(event.pk)
    return question


def _question_for(viewer: User, question_id: int) -> Question:
    visible = policies.visible_events(viewer)
    return (
        Question.objects.select_related("event")
        .prefetch_related("event__hosts")
        .get(pk=question_id, event__in=visible)
    )


def vote_for_question(*, question_id: int, member: User) -> bool:
    """Upvote a question, once per member (a unique row; concurrent votes add one).
    Returns False when the member had voted already.

    Raises Question.DoesNotExist (an invisible event's), NotAllowedError (not registered,
    the AMA is over, the member's own or a pending question)."""
    ensure_not_suspended(member)
    question = _question_for(member, question_id)
    event = question.event
    allowed = policies.can_vote(
        member, event, _registration(event, member), timezone.now()
    ) and policies.can_vote_on(member, question)
    if not allowed:
        raise NotAllowedError("You can't vote for this question.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                QuestionVote.objects.create(question=question, member=member)
        except IntegrityError:
            return False
        Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
        bump_questions_version(event.pk)
    return True


@transaction.atomic
def withdraw_vote(*, question_id: int, member: User) -> bool:
    """Take back the member's upvote. Returns False when there was none.

    Raises Question.DoesNotExist."""
    question = _question_for(member, question_id)
    deleted, _ = QuestionVote.objects.filter(question=question, member=member).delete()
    if not deleted:
        return False
    Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") - 1)
    bump_questions_version(question.event_id)
    return True


@transaction.atomic
def moderate_question(
    *,
    question_id: int,
    actor: User,
    action: str,
    answer_url: str = "",
    answer_at_seconds: int | None = None,
) -> Question:
    """A host's (or moderator's) action on a question: approve an anonymous one, star it
    into the queue or out, mark it "now answering" (one at a time: the previous one goes
    back to open), answered (with a link or a time in the recording; the author is told
    in the app), archive it, or reopen it.

    Raises Question.DoesNotExist, NotAllowedError, InvalidQuestionError."""
    question = _question_for(actor, question_id)
    event = question.event
    if not policies.can_moderate_questions(actor, event):
        raise NotAllowedError("Only the AMA's hosts and moderators manage its questions.")
    if action not in HostAction.values:
        raise InvalidQuestionError("Unknown action.", field="action")
    # One host action per event at a time: "now answering" moves as a single step.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    question.refresh_from_db()
    status = question.status
    if action == HostAction.APPROVE:
        if status != Question.Status.PENDING:
            raise InvalidQuestionError("Only a question waiting for approval can be approved.")
        question.status = Question.Status.OPEN
    elif action in (HostAction.STAR, HostAction.UNSTAR):
        question.is_starred = action == HostAction.STAR
    elif action == HostAction.ANSWERING:
        if status not in (Question.Status.OPEN, Question.Status.PENDING):
            raise InvalidQuestionError("Only an open question can be answered now.")
        Question.objects.filter(event=event, status=Question.Status.ANSWERING).update(
            status=Question.Status.OPEN
        )
        question.status = Question.Status.ANSWERING
    elif action == HostAction.ANSWERED:
        if answer_url.strip() and not is_web_link(answer_url.strip()):
            raise InvalidQuestionError("Use a link that starts with https://.", field="answer_url")
        question.status = Question.Status.ANSWERED
        question.answered_at = question.answered_at or timezone.now()
        question.answer_url = answer_url.strip()
        question.answer_at_seconds = answer_at_seconds
        question.is_starred = False
    elif action == HostAction.ARCHIVE:
        question.status = Question.Status.ARCHIVED
        question.is_starred = False
    elif action == HostAction.REOPEN:
        question.status = Question.Status.OPEN
    question.save()
    bump_questions_version(event.pk)
    if action == HostAction.ANSWERED and question.author_id:
        notify(
            recipients=[question.author_id],
            kind=notifications.QUESTION,
            actor_id=actor.pk,
            target_type="event",
            target_id=event.pk,
            key=f"event:{event.pk}:question:{question.pk}:answered",
            scope=notifications.event_scope(event.pk),
            excerpt=question.body,
        )
    return question


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _escaped(text: str) -> str:
    """Plain text for a Markdown line: one line, every Markdown character escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def recap_body(event: Event, answered: list[Question]) -> str:
    """The recap post: each answered question and where it was answered."""
    count = len(answered)
    lines = [
        f"**AMA recap:** {count} question{'s' if count != 1 else ''} answered in this session.",
        "",
    ]
    for number, question in enumerate(answered, start=1):
        where = []
        if question.answer_at_seconds is not None:
            moment = question.answer_at_label
            where.append(
                f"at {moment} in [the recording]({event.recording_url})"
                if event.recording_url
                else f"at {moment} in the recording"
            )
        if question.answer_url:
            where.append(f"[in this answer]({question.answer_url})")
        answered_where = " and ".join(where) if where else "live, during the session"
        lines.append(f"{number}. {_escaped(question.body)}  ")
        lines.append(f"   Answered {answered_where}.")
    return "\n".join(lines)


def post_recap(*, event_id: int) -> Post | None:
    """Once an AMA has ended, post the recap of its answered questions in its discussion thread,
    once (the event row is locked and remembers the post). None when there is nothing to
    post, no thread, or the thread's author may no longer post there (logged)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        if (
            not event.is_ama
            or event.recap_post_id
            or event.thread_id is None
            or timezone.now() < event.ends_at
        ):
            return None
        answered = list(
            Question.objects.filter(event=event, status=Question.Status.ANSWERED).order_by(
                "answered_at", "pk"
            )
        )
        author = User.objects.filter(threads__pk=event.thread_id, is_active=True).first()
        if not answered or author is None:
            return None
        try:
            post = posting.reply(
                author=author, thread_id=event.thread_id, body=recap_body(event, answered)
            )
        except DomainError as error:
            logger.warning("No recap for event %s: %s", event.pk, error.message)
            return None
        event.recap_post = post
        event.save(update_fields=["recap_post"])
        return post


def forget_votes_of(member: User) -> None:
    """Account deletion step: take the member's votes off the questions' counters (their
    vote rows go with the account)."""
    voted = list(QuestionVote.objects.filter(member=member).values_list("question_id", flat=True))
    Question.objects.filter(pk__in=voted).update(vote_count=F("vote_count") - 1)
    for event_id in set(Question.objects.filter(pk__in=voted).values_list("event_id", flat=True)):
        bump_questions_version(event_id)
