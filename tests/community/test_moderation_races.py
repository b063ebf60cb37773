"""Flags under concurrent requests (PostgreSQL): once per item per member, and the post is
hidden exactly when the threshold is reached, whoever flags at the same moment."""

import threading

import pytest
from django.db import connection

from community.exceptions import AlreadyFlaggedError
from community.models import Flag, Post
from community.services import flags, posting
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(attempts, act) -> list[str]:
    barrier = threading.Barrier(len(attempts))
    results: list[str] = []

    def run(member) -> None:
        try:
            barrier.wait(timeout=10)
            act(member)
            results.append("flagged")
        except AlreadyFlaggedError:
            results.append("already")
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(m,)) for m in attempts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert [worker.is_alive() for worker in workers] == [False] * len(attempts)
    return sorted(results)


@pytest.fixture
def post_id():
    thread = posting.create_thread(
        author=UserFactory(), category_id=CategoryFactory().pk, title="Race me on flags", body="."
    )
    return Post.objects.get(thread=thread, number=1).pk


def test_a_member_flagging_twice_at_once_leaves_one_flag(post_id):
    ada = UserFactory()

    results = race(
        [ada, ada, ada], lambda m: flags.flag_post(member=m, post_id=post_id, reason="spam")
    )

    assert results == ["already", "already", "flagged"]
    assert Flag.objects.filter(post_id=post_id).count() == 1


def test_flags_at_once_hide_the_post_when_the_threshold_is_reached(settings, post_id):
    settings.MODERATION_FLAGS_TO_HIDE = 3
    members = UserFactory.create_batch(3)

    results = race(members, lambda m: flags.flag_post(member=m, post_id=post_id, reason="spam"))

    assert results == ["flagged"] * 3
    assert Post.objects.get(pk=post_id).status == "hidden"


def test_two_moderators_approving_a_held_reply_at_once_count_it_once():
    from community.exceptions import ModerationError
    from community.models import BlockedDomain, Category, Thread
    from community.services import moderation
    from members.loyalty.models import Activity

    category = CategoryFactory()
    thread = posting.create_thread(
        author=UserFactory(), category_id=category.pk, title="Race me on approval", body="."
    )
    BlockedDomain.objects.create(domain="spam.example")
    spammer = UserFactory()
    held = posting.reply(author=spammer, thread_id=thread.pk, body="https://spam.example/x")
    moderators = [UserFactory(is_moderator=True), UserFactory(is_moderator=True)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve(moderator) -> None:
        try:
            barrier.wait(timeout=10)
            moderation.approve_post(moderator=moderator, post_id=held.pk)
            results.append("approved")
        except ModerationError:
            results.append("nothing to approve")
        finally:
            connection.close()

    workers = [threading.Thread(target=approve, args=(m,)) for m in moderators]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    after = Thread.objects.get(pk=thread.pk)
    assert [worker.is_alive() for worker in workers] == [False, False]
    assert sorted(results) == ["approved", "nothing to approve"]
    assert (held.status, after.post_count, after.last_published_number) == ("held", 2, 2)
    assert Category.objects.get(pk=category.pk).thread_count == 1
    assert Activity.objects.filter(member=spammer, verb="reply_posted").count() == 1
