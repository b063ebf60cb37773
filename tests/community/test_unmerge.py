"""Undoing a merge (issue 11: nothing a moderator does is beyond staff's reach to undo): the
merged thread is kept as a hidden tombstone whose address leads to the target, and staff put
every moved post back with its own number, both threads' counters as they were, and one
audit row per action."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import policies
from community.exceptions import ModerationError, NotAllowedError
from community.models import Category, ModerationAction, Post, Thread
from community.services import moderation, posting
from tests.community.factories import CategoryFactory
from tests.community.pages import page_html
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]

THREAD_FIELDS = [
    "title",
    "category_id",
    "author_id",
    "post_count",
    "last_activity_at",
    "last_poster_id",
    "solution_id",
    "solved_at",
    "merged_into_id",
    "is_held",
]


def snapshot(thread: Thread):
    row = Thread.objects.values(*THREAD_FIELDS).get(pk=thread.pk)
    posts = list(
        Post.objects.filter(thread=thread)
        .order_by("number")
        .values_list("pk", "number", "author_id", "merged_from_id", "merged_number")
    )
    return row, posts


@pytest.fixture
def room():
    return CategoryFactory(slug="room", name="Room")


@pytest.fixture
def threads(room):
    """A question with an accepted answer (the one merged away) and the thread it joins."""
    asker, helper = UserFactory(handle="asker"), UserFactory(handle="helper")
    into = start_thread(UserFactory(handle="opener"), room, title="How do I record a talk")
    posting.reply(author=UserFactory(), thread_id=into.pk, body="Use OBS.")
    duplicate = start_thread(
        asker, room, title="Recording talks at home", body="Zebracorn?", kind=Thread.Kind.QUESTION
    )
    answer = posting.reply(author=helper, thread_id=duplicate.pk, body="A zebracorn mic.")
    posting.reply(author=asker, thread_id=duplicate.pk, body="Thanks")
    posting.accept_answer(actor=asker, thread_id=duplicate.pk, post_id=answer.pk)
    # Distinct activity times, so restoring "as it was" is visible.
    Thread.objects.filter(pk=into.pk).update(last_activity_at=timezone.now() - timedelta(days=2))
    into.refresh_from_db()
    duplicate.refresh_from_db()
    return duplicate, into


def merge_row() -> ModerationAction:
    return ModerationAction.objects.get(action=ModerationAction.Action.MERGE_THREADS)


def test_merge_keeps_a_tombstone_and_marks_each_moved_post(moderator, threads):
    duplicate, into = threads
    moved = list(Post.objects.filter(thread=duplicate).order_by("number").values_list("pk"))

    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)

    assert Thread.objects.get(pk=duplicate.pk).merged_into_id == into.pk
    assert list(
        Post.objects.filter(thread=into)
        .order_by("number")
        .values_list("pk", "number", "merged_from_id", "merged_number")
    )[2:] == [
        (moved[0][0], 3, duplicate.pk, 1),
        (moved[1][0], 4, duplicate.pk, 2),
        (moved[2][0], 5, duplicate.pk, 3),
    ]
    assert Category.objects.get(slug="room").thread_count == 1


def test_merge_then_unmerge_restores_both_threads_exactly(moderator, staff, threads):
    duplicate, into = threads
    before_duplicate, before_into = snapshot(duplicate), snapshot(into)
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)

    source = moderation.unmerge_threads(actor=staff, action_id=merge_row().pk, reason="Not dupes")

    assert source.pk == duplicate.pk
    assert snapshot(duplicate) == before_duplicate
    assert snapshot(into) == before_into
    assert Thread.objects.get(pk=duplicate.pk).solution.thread_id == duplicate.pk
    assert Category.objects.get(slug="room").thread_count == 2
    assert list(ModerationAction.objects.order_by("pk").values_list("action", "actor_id")) == [
        ("merge_threads", moderator.pk),
        ("unmerge_threads", staff.pk),
    ]
    undo = ModerationAction.objects.get(action=ModerationAction.Action.UNMERGE_THREADS)
    assert (undo.thread_id, undo.reason) == (duplicate.pk, "Not dupes")
    assert undo.before == {
        "merge": merge_row().pk,
        "thread": into.pk,
        "posts": [pk for pk, *_ in before_duplicate[1]],
    }
    assert undo.after == {"thread": duplicate.pk, "post_count": 3}


def test_unmerge_keeps_replies_made_since_in_the_target(moderator, staff, threads):
    duplicate, into = threads
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    late = posting.reply(author=UserFactory(handle="late"), thread_id=into.pk, body="Later")

    moderation.unmerge_threads(actor=staff, action_id=merge_row().pk)

    target = Thread.objects.get(pk=into.pk)
    assert list(Post.objects.filter(thread=into).order_by("number").values_list("number")) == [
        (1,),
        (2,),
        (6,),
    ]
    # three posts count (the gap the moved posts left is not a reply); paging and unread
    # marks reach number 6
    assert (
        target.post_count,
        target.last_published_number,
        target.last_number,
        target.last_poster_id,
    ) == (3, 6, 6, late.author_id)
    assert Post.objects.filter(thread=duplicate).count() == 3


def test_unmerge_is_refused_to_moderators_and_writes_nothing(moderator, threads):
    duplicate, into = threads
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    merged = snapshot(into)

    with pytest.raises(NotAllowedError):
        moderation.unmerge_threads(actor=moderator, action_id=merge_row().pk)

    assert snapshot(into) == merged
    assert Thread.objects.get(pk=duplicate.pk).merged_into_id == into.pk
    assert ModerationAction.objects.count() == 1


def test_a_merge_is_undone_once(moderator, staff, threads):
    duplicate, into = threads
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    moderation.unmerge_threads(actor=staff, action_id=merge_row().pk)
    restored = snapshot(duplicate), snapshot(into)

    with pytest.raises(ModerationError, match="already been undone"):
        moderation.unmerge_threads(actor=staff, action_id=merge_row().pk)

    assert (snapshot(duplicate), snapshot(into)) == restored
    assert ModerationAction.objects.count() == 2


def test_the_tombstone_is_hidden_and_its_address_leads_to_the_target(
    client, moderator, member, threads
):
    duplicate, into = threads
    address = duplicate.get_absolute_url()
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)

    assert list(policies.visible_threads(member).values_list("pk", flat=True)) == [into.pk]
    visitor_response = client.get(address)
    client.force_login(member)
    member_response = client.get(address)
    latest = page_html(client.get(reverse("community:latest")))
    search = page_html(client.get(reverse("community:search"), {"q": "zebracorn"}))

    assert (visitor_response.status_code, visitor_response["Location"]) == (
        302,
        into.get_absolute_url(),
    )
    assert (member_response.status_code, member_response["Location"]) == (
        302,
        into.get_absolute_url(),
    )
    assert "Recording talks at home" not in latest
    assert "How do I record a talk" in latest
    assert "Recording talks at home" not in search
    assert "How do I record a talk" in search


def test_staff_undo_a_merge_from_the_audit_log(client, moderator, staff, threads):
    duplicate, into = threads
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    client.force_login(staff)
    audit = page_html(client.get(reverse("moderation:audit")))
    assert "Undo this merge" in audit

    response = client.post(
        reverse("moderation:act"),
        {"kind": "audit", "action": "unmerge", "id": merge_row().pk, "reason": "Oops"},
    )

    assert response.status_code == 302
    assert Thread.objects.get(pk=duplicate.pk).merged_into_id is None
    assert Post.objects.filter(thread=duplicate).count() == 3
    assert ModerationAction.objects.filter(action="unmerge_threads").count() == 1


def test_the_api_refuses_unmerge_to_moderators(api, moderator, threads):
    duplicate, into = threads
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    api.force_authenticate(moderator)

    response = api.post(
        "/api/v1/moderation/actions/",
        {"kind": "audit", "action": "unmerge", "id": merge_row().pk},
        format="json",
    )

    assert response.status_code == 403
    assert Thread.objects.get(pk=duplicate.pk).merged_into_id == into.pk
    assert ModerationAction.objects.count() == 1


def test_merges_in_a_chain_are_undone_latest_first(client, moderator, staff, room, threads):
    duplicate, into = threads
    final = start_thread(UserFactory(handle="third"), room, title="Talk recording, all in one")
    before = snapshot(duplicate), snapshot(into), snapshot(final)
    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)
    first = merge_row()
    moderation.merge_threads(moderator=moderator, thread_id=into.pk, into_thread_id=final.pk)
    second = ModerationAction.objects.filter(action="merge_threads").exclude(pk=first.pk).get()
    redirected = client.get(duplicate.get_absolute_url())

    with pytest.raises(ModerationError, match="later merge"):
        moderation.unmerge_threads(actor=staff, action_id=first.pk)
    moderation.unmerge_threads(actor=staff, action_id=second.pk)
    moderation.unmerge_threads(actor=staff, action_id=first.pk)

    assert redirected["Location"] == final.get_absolute_url()
    assert (snapshot(duplicate), snapshot(into), snapshot(final)) == before
    assert ModerationAction.objects.filter(action="unmerge_threads").count() == 2


def test_a_merge_from_before_tombstones_is_refused(staff, threads):
    _duplicate, into = threads
    old = ModerationAction.objects.create(
        actor=staff,
        action=ModerationAction.Action.MERGE_THREADS,
        target="old",
        before={"thread": 999, "posts": []},
        after={"thread": into.pk, "first_number": 3},
    )

    with pytest.raises(ModerationError, match="before merges could be undone"):
        moderation.unmerge_threads(actor=staff, action_id=old.pk)

    assert ModerationAction.objects.count() == 1
