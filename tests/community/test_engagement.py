"""Reactions, watching, read state and view counts."""

import threading

import pytest
from django.db import connection

from community.exceptions import ReactionNotAllowedError
from community.models import Post, Reaction, ReadState, Subscription, Thread
from community.services import engagement, posting
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(member):
    category = CategoryFactory()
    return posting.create_thread(
        author=member,
        category_id=category.pk,
        title="Feedback on my talk abstract",
        body="Here it is",
    )


@pytest.fixture
def opening(thread):
    return Post.objects.get(thread=thread, number=1)


def test_a_like_counts_once_per_member(opening):
    fan = UserFactory()

    first = engagement.add_reaction(member=fan, post_id=opening.pk, kind="like")
    again = engagement.add_reaction(member=fan, post_id=opening.pk, kind="like")

    assert (first, again) == (True, False)
    assert Post.objects.get(pk=opening.pk).like_count == 1
    assert Reaction.objects.filter(post=opening).count() == 1


def test_different_reactions_count_separately_and_can_be_taken_back(opening):
    fan = UserFactory()
    engagement.add_reaction(member=fan, post_id=opening.pk, kind="like")
    engagement.add_reaction(member=fan, post_id=opening.pk, kind="thanks")

    removed = engagement.remove_reaction(member=fan, post_id=opening.pk, kind="like")

    post = Post.objects.get(pk=opening.pk)
    assert removed is True
    assert (post.like_count, post.thanks_count) == (0, 1)


def test_member_cannot_react_to_own_post(member, opening):
    with pytest.raises(ReactionNotAllowedError, match="your own post"):
        engagement.add_reaction(member=member, post_id=opening.pk, kind="like")

    assert Post.objects.get(pk=opening.pk).like_count == 0
    assert Reaction.objects.count() == 0


def test_unknown_reaction_is_refused(opening):
    with pytest.raises(ReactionNotAllowedError, match="Unknown reaction"):
        engagement.add_reaction(member=UserFactory(), post_id=opening.pk, kind="rocket")

    assert Reaction.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_from_two_members_count_two_and_a_double_like_counts_one():
    author = UserFactory()
    thread = posting.create_thread(
        author=author, category_id=CategoryFactory().pk, title="Race me on likes", body="Go"
    )
    post_id = Post.objects.get(thread=thread, number=1).pk
    ada, bob = UserFactory(), UserFactory()
    attempts = [ada, bob, ada, bob, ada]
    barrier = threading.Barrier(len(attempts))
    results: list[bool] = []

    def like(member) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(engagement.add_reaction(member=member, post_id=post_id, kind="like"))
        finally:
            connection.close()

    workers = [threading.Thread(target=like, args=(m,)) for m in attempts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert [worker.is_alive() for worker in workers] == [False] * len(attempts)
    assert sorted(results) == [False, False, False, True, True]
    assert Post.objects.get(pk=post_id).like_count == 2
    assert Reaction.objects.filter(post_id=post_id).count() == 2


def test_watching_and_unwatching(thread):
    reader = UserFactory()

    engagement.watch_thread(member=reader, thread_id=thread.pk)
    engagement.watch_thread(member=reader, thread_id=thread.pk)
    watched = Subscription.objects.filter(member=reader, thread=thread).count()
    stopped = engagement.unwatch_thread(member=reader, thread_id=thread.pk)

    assert watched == 1
    assert stopped is True
    assert not Subscription.objects.filter(member=reader).exists()


def test_read_marker_only_moves_forward_and_writes_only_when_it_moves(thread):
    reader = UserFactory()

    moved_first = engagement.mark_read(member=reader, thread_id=thread.pk, number=5)
    moved_back = engagement.mark_read(member=reader, thread_id=thread.pk, number=3)
    moved_same = engagement.mark_read(member=reader, thread_id=thread.pk, number=5)

    assert (moved_first, moved_back, moved_same) == (True, False, False)
    assert ReadState.objects.get(member=reader, thread=thread).last_read_number == 5


def test_views_are_buffered_in_the_cache_and_flushed_in_batches(thread):
    for _ in range(engagement.VIEW_FLUSH_EVERY - 1):
        engagement.record_view(thread_id=thread.pk)
    before_flush = Thread.objects.get(pk=thread.pk).view_count

    engagement.record_view(thread_id=thread.pk)

    assert before_flush == 0
    assert Thread.objects.get(pk=thread.pk).view_count == engagement.VIEW_FLUSH_EVERY
