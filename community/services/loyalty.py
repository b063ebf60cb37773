"""What the forum hands to the loyalty ledger: one place that names the verbs, keys and
subjects of every forum activity that earns (or gives back) points.

Keys are unique per cause: a like is keyed by its Reaction row, so unliking and liking
again is a new like (and the removal of the first was reversed); an accepted answer by the
moment it was accepted. Undoing a cause reverses every live row about the post, so a
deleted post takes back its own points, its likes' and its accepted answer's.
"""

from __future__ import annotations

from datetime import datetime

from community.models import Reaction
from members.loyalty import ledger
from members.loyalty.models import Activity, Verb

POST = "post"
#: What writing a post earns (its own points, as opposed to its likes' and answer's).
WRITING_VERBS = (Verb.THREAD_STARTED, Verb.REPLY_POSTED)


def credit_post(*, post_id: int, author_id: int, starts_thread: bool) -> None:
    """The author started a thread or replied."""
    ledger.record(
        member_id=author_id,
        verb=Verb.THREAD_STARTED if starts_thread else Verb.REPLY_POSTED,
        key=f"post:{post_id}",
        subject_type=POST,
        subject_id=post_id,
    )


def credit_like(*, reaction_id: int, post_id: int, author_id: int, liker_id: int) -> None:
    """Someone liked the author's post (a like of one's own post scores nothing)."""
    ledger.record(
        member_id=author_id,
        verb=Verb.LIKE_RECEIVED,
        key=f"like:{reaction_id}",
        subject_type=POST,
        subject_id=post_id,
        actor_id=liker_id,
    )


def take_back_like(*, post_id: int, liker_id: int) -> None:
    """The member removed their like: reverse what it earned."""
    ledger.reverse_matching(
        subject_type=POST,
        subject_id=post_id,
        verb=Verb.LIKE_RECEIVED,
        actor_id=liker_id,
        reason="Like removed",
        reversed_by_id=liker_id,
    )


def credit_accepted_answer(
    *, post_id: int, author_id: int, accepted_by_id: int, accepted_at: datetime
) -> None:
    """The asker (or a moderator) accepted the author's reply as the answer."""
    ledger.record(
        member_id=author_id,
        verb=Verb.ANSWER_ACCEPTED,
        key=f"answer:{post_id}:{accepted_at.isoformat()}",
        subject_type=POST,
        subject_id=post_id,
        actor_id=accepted_by_id,
    )


def take_back_accepted_answer(*, post_id: int, actor_id: int) -> None:
    """The answer was unaccepted or replaced: reverse what accepting it earned."""
    ledger.reverse_matching(
        subject_type=POST,
        subject_id=post_id,
        verb=Verb.ANSWER_ACCEPTED,
        reason="Answer no longer accepted",
        reversed_by_id=actor_id,
    )


def take_back_post(*, post_id: int, actor_id: int) -> None:
    """The post was deleted: reverse everything it earned anyone (writing it, its likes,
    its being the accepted answer)."""
    ledger.reverse_matching(
        subject_type=POST, subject_id=post_id, reason="Post deleted", reversed_by_id=actor_id
    )


def take_back_hidden_post(*, post_id: int, actor_id: int) -> None:
    """A moderator hid the post: reverse what writing it and its likes earned (its being
    the accepted answer stays, as the thread still names it; unaccepting reverses that)."""
    for verb in (*WRITING_VERBS, Verb.LIKE_RECEIVED):
        ledger.reverse_matching(
            subject_type=POST,
            subject_id=post_id,
            verb=verb,
            reason="Post hidden",
            reversed_by_id=actor_id,
        )


def writing_is_taken_back(post_id: int) -> bool:
    """The post earned its writing points once and they are reversed now (deleted or
    hidden): giving them back is due. False for a post that never earned (held) and for
    one whose points are live (so a second give-back gives nothing)."""
    rows = Activity.objects.filter(
        subject_type=POST, subject_id=post_id, verb__in=WRITING_VERBS, reverses__isnull=True
    )
    return rows.exists() and not rows.filter(reversed_by__isnull=True).exists()


def credit_restored_post(
    *, post_id: int, author_id: int, starts_thread: bool, at: datetime
) -> None:
    """A deleted post was restored: it earns again what its deletion reversed (writing it,
    and the likes it still has), under keys of this restore so a later delete and restore
    work the same way. Its accepted answer is not restored (the delete cleared it)."""
    stamp = at.isoformat()
    ledger.record(
        member_id=author_id,
        verb=Verb.THREAD_STARTED if starts_thread else Verb.REPLY_POSTED,
        key=f"post:{post_id}:restored:{stamp}",
        subject_type=POST,
        subject_id=post_id,
    )
    likes = Reaction.objects.filter(post_id=post_id, kind=Reaction.Kind.LIKE).values_list(
        "pk", "member_id"
    )
    for reaction_id, liker_id in likes.order_by("pk"):
        ledger.record(
            member_id=author_id,
            verb=Verb.LIKE_RECEIVED,
            key=f"like:{reaction_id}:restored:{stamp}",
            subject_type=POST,
            subject_id=post_id,
            actor_id=liker_id,
        )
