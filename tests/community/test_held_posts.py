"""A held post counts for no one else until a moderator approves it (issue 11): not in the
thread's reply count, its last activity or last poster, its pages, other readers' unread
marks, its category's thread count, search, notifications or points. Approval applies all
of it exactly once (approving twice, or after a hide, counts once); hiding or deleting a
held post takes back nothing it never added."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import search
from community.exceptions import ModerationError
from community.models import BlockedDomain, Category, Mention, Post, Thread
from community.search import SearchFilters
from community.selectors.threads import ListFilter, list_threads
from community.services import engagement, moderation, posting
from members.loyalty.models import Activity
from members.models import Notification
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

SPAM = "Cheap followers at https://spam.example/offer"


@pytest.fixture
def room():
    return CategoryFactory(slug="room", name="Room")


@pytest.fixture
def thread(room):
    thread = start_thread(UserFactory(handle="opener"), room, title="Where do I start?")
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now() - timedelta(hours=1))
    return Thread.objects.get(pk=thread.pk)


@pytest.fixture
def reader(thread):
    """Another member who has read the thread to its end."""
    reader = UserFactory(handle="reader")
    engagement.mark_read(member=reader, thread_id=thread.pk, number=1)
    return reader


@pytest.fixture
def spammer():
    BlockedDomain.objects.create(domain="spam.example")
    return UserFactory(handle="spammer")


def seen_by_others(thread_id: int) -> tuple[object, ...]:
    thread = Thread.objects.get(pk=thread_id)
    return (
        thread.post_count,
        thread.reply_count,
        thread.last_published_number,
        thread.last_activity_at,
        thread.last_poster_id,
    )


def unread_for(member, thread_id: int) -> tuple[list[int], int | None]:
    """The Unread list's thread ids and the thread's unread count, as `member` sees them."""
    unread = list_threads(viewer=member, list_filter=ListFilter.UNREAD)
    everything = list_threads(viewer=member)
    row = next(t for t in everything.threads if t.pk == thread_id)
    return [t.pk for t in unread.threads], everything.unread_count(row)


def test_a_held_reply_changes_nothing_others_see(thread, reader, spammer):
    before = seen_by_others(thread.pk)
    thread_count = Category.objects.get(pk=thread.category_id).thread_count

    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)

    assert post.status == "held"
    assert seen_by_others(thread.pk) == before
    assert Category.objects.get(pk=thread.category_id).thread_count == thread_count
    assert unread_for(reader, thread.pk) == ([], 0)
    assert Activity.objects.filter(member=spammer).count() == 0


def test_a_held_reply_adds_no_page_for_others_but_its_author_and_moderators_reach_it(
    client, room, spammer
):
    thread = start_thread(UserFactory(), room, title="A thread of twenty posts")
    for n in range(19):
        posting.reply(author=UserFactory(), thread_id=thread.pk, body=f"Reply {n}")
    held = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)
    url = reverse("community:thread-short", args=[thread.pk])
    moderator = UserFactory(is_moderator=True)

    client.force_login(UserFactory())
    other = client.get(url, {"page": 2}, follow=True).context["screen"]
    client.force_login(spammer)
    author = client.get(url, {"page": 2}, follow=True).context["screen"]
    client.force_login(moderator)
    moderating = client.get(url, {"page": 2}, follow=True).context["screen"]

    assert held.number == 21
    assert (other.page_count, other.number, 21 in [p.number for p in other.posts]) == (
        1,
        1,
        False,
    )
    assert (author.page_count, [p.number for p in author.posts]) == (2, [21])
    assert (moderating.page_count, [p.number for p in moderating.posts]) == (2, [21])


def test_approving_a_held_reply_counts_it_once_for_everyone(
    thread, reader, spammer, django_capture_on_commit_callbacks
):
    moderator = UserFactory(is_moderator=True)
    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)
    count, replies, _, _, _ = seen_by_others(thread.pk)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve_post(moderator=moderator, post_id=post.pk)
    with pytest.raises(ModerationError):
        moderation.approve_post(moderator=moderator, post_id=post.pk)

    after = Thread.objects.get(pk=thread.pk)
    assert (after.post_count, after.reply_count, after.last_published_number) == (
        count + 1,
        replies + 1,
        post.number,
    )
    assert (after.last_poster_id, after.last_activity_at > thread.last_activity_at) == (
        spammer.pk,
        True,
    )
    assert unread_for(reader, thread.pk) == ([thread.pk], 1)
    assert Activity.objects.filter(member=spammer, verb="reply_posted").count() == 1
    assert Notification.objects.filter(recipient=thread.author, kind="reply").count() == 1


def test_approving_after_a_hide_counts_a_held_reply_once(thread, reader, spammer):
    moderator = UserFactory(is_moderator=True)
    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)
    count = Thread.objects.get(pk=thread.pk).post_count

    moderation.hide_post(moderator=moderator, post_id=post.pk)
    hidden = seen_by_others(thread.pk)
    moderation.approve_post(moderator=moderator, post_id=post.pk)
    moderation.hide_post(moderator=moderator, post_id=post.pk)
    moderation.approve_post(moderator=moderator, post_id=post.pk)

    assert hidden[0] == count
    assert Thread.objects.get(pk=thread.pk).post_count == count + 1
    assert unread_for(reader, thread.pk) == ([thread.pk], 1)
    # earned on approval, taken back by the second hide, given back by the second approval
    points = list(
        Activity.objects.filter(member=spammer, verb="reply_posted")
        .order_by("pk")
        .values_list("points", flat=True)
    )
    assert (len(points), sum(points), points[0] > 0) == (3, points[0], True)


@pytest.mark.parametrize("how", ["hide", "delete"])
def test_hiding_or_deleting_a_held_reply_takes_back_nothing_it_never_added(
    thread, reader, spammer, how
):
    moderator = UserFactory(is_moderator=True)
    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)
    before = seen_by_others(thread.pk)

    if how == "hide":
        moderation.hide_post(moderator=moderator, post_id=post.pk)
    else:
        moderation.delete_flagged_post(moderator=moderator, post_id=post.pk)

    assert seen_by_others(thread.pk) == before
    assert unread_for(reader, thread.pk) == ([], 0)
    assert Activity.objects.filter(member=spammer).count() == 0


def test_a_held_thread_counts_in_its_category_once_approved(room, spammer):
    moderator = UserFactory(is_moderator=True)
    thread = posting.create_thread(
        author=spammer, category_id=room.pk, title="Grow your channel", body=SPAM
    )
    held = Thread.objects.get(pk=thread.pk)
    opening = Post.objects.get(thread=thread, number=1)

    moderation.approve_post(moderator=moderator, post_id=opening.pk)
    moderation.hide_post(moderator=moderator, post_id=opening.pk)
    moderation.approve_post(moderator=moderator, post_id=opening.pk)

    approved = Thread.objects.get(pk=thread.pk)
    assert (held.is_held, held.post_count, held.last_published_number, held.last_number) == (
        True,
        0,
        0,
        1,
    )
    assert (approved.is_held, approved.post_count, approved.last_published_number) == (
        False,
        1,
        1,
    )
    assert Category.objects.get(pk=room.pk).thread_count == 1
    points = list(
        Activity.objects.filter(member=spammer, verb="thread_started")
        .order_by("pk")
        .values_list("points", flat=True)
    )
    assert (len(points), sum(points), points[0] > 0) == (3, points[0], True)


def test_a_reply_after_a_held_one_counts_and_is_unread_for_others(thread, reader, spammer):
    held = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)

    later = posting.reply(author=UserFactory(), thread_id=thread.pk, body="A real answer")

    after = Thread.objects.get(pk=thread.pk)
    assert (held.number, later.number) == (2, 3)
    assert (after.post_count, after.reply_count, after.last_published_number) == (2, 1, 3)
    assert unread_for(reader, thread.pk) == ([thread.pk], 2)


def test_a_held_post_is_not_searchable_until_approved(thread, spammer):
    moderator = UserFactory(is_moderator=True)
    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)
    hidden = search.search_posts(viewer=moderator, query="followers", filters=SearchFilters())

    moderation.approve_post(moderator=moderator, post_id=post.pk)

    found = search.search_posts(viewer=moderator, query="followers", filters=SearchFilters())
    assert ([hit.post.pk for hit in hidden], [hit.post.pk for hit in found]) == ([], [post.pk])


def test_editing_a_held_post_mentions_no_one_until_it_is_approved(
    thread, spammer, django_capture_on_commit_callbacks
):
    friend = UserFactory(handle="friend")
    post = posting.reply(author=spammer, thread_id=thread.pk, body=SPAM)

    with django_capture_on_commit_callbacks(execute=True):
        posting.edit_post(editor=spammer, post_id=post.pk, body=f"{SPAM} @friend")
    told_while_held = Notification.objects.filter(recipient=friend).count()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve_post(moderator=UserFactory(is_moderator=True), post_id=post.pk)

    assert (told_while_held, Mention.objects.filter(post=post, member=friend).count()) == (0, 1)
    assert Notification.objects.filter(recipient=friend, kind="mention").count() == 1
