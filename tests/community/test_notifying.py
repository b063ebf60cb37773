"""Who hears of what in the forum: each kind reaches exactly the right members."""

import pytest

import community.services.notifying as notifying
from community.models import Subscription
from community.notifications import excerpt_of
from community.services import engagement, posting
from members.models import Notification
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import TierFactory, UserFactory

# About the forum's notifications: the badges a first post earns (and their notifications)
# are loyalty's, tested in tests/members/loyalty.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]


def told(kind=None):
    """{(recipient handle, kind)} of every notification written."""
    rows = Notification.objects.select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    return {(n.recipient.handle, n.kind) for n in rows}


def reply(author, thread, body, capture):
    with capture(execute=True):
        return posting.reply(author=author, thread_id=thread.pk, body=body)


def test_a_reply_tells_watchers_not_the_author_nor_a_muted_watcher(
    help_desk, asker, django_capture_on_commit_callbacks
):
    thread = start_thread(asker, help_desk, title="Conference talk slides")
    watcher, muted, replier = (UserFactory(handle=h) for h in ("watcher", "muted", "replier"))
    engagement.watch_thread(member=watcher, thread_id=thread.pk)
    engagement.set_thread_level(member=muted, thread_id=thread.pk, level="muted")

    reply(replier, thread, "Use a clicker.", django_capture_on_commit_callbacks)

    assert told() == {("asker", "reply"), ("watcher", "reply")}


def test_category_watchers_hear_of_new_threads_unless_they_set_the_thread_otherwise(
    help_desk, asker, django_capture_on_commit_callbacks
):
    fan, quiet = UserFactory(handle="fan"), UserFactory(handle="quiet")
    for member in (fan, quiet):
        engagement.set_category_level(member=member, category_id=help_desk.pk, level="watching")

    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(asker, help_desk, title="Which mic for podcasts")
    engagement.set_thread_level(member=quiet, thread_id=thread.pk, level="normal")
    reply(UserFactory(handle="other"), thread, "A dynamic one.", django_capture_on_commit_callbacks)

    assert told("new_thread") == {("fan", "new_thread"), ("quiet", "new_thread")}
    assert told("reply") == {("fan", "reply"), ("asker", "reply")}


def test_each_member_hears_of_a_post_once_with_the_strongest_kind(
    help_desk, asker, helper, django_capture_on_commit_callbacks
):
    question = start_thread(asker, help_desk, kind="question", title="Why is my talk too long")
    quoted = reply(helper, question, "Cut the intro.", django_capture_on_commit_callbacks)
    ada = UserFactory(handle="ada")
    engagement.watch_thread(member=ada, thread_id=question.pk)
    Notification.objects.all().delete()
    body = f"> **@helper** wrote:\n>\n> {quoted.source}\n\nAgreed, @ada and @asker."

    reply(UserFactory(handle="writer"), question, body, django_capture_on_commit_callbacks)

    assert told() == {("ada", "mention"), ("asker", "mention"), ("helper", "quote")}


def test_an_answer_to_a_question_tells_the_asker_even_when_not_watching(
    help_desk, asker, helper, django_capture_on_commit_callbacks
):
    question = start_thread(asker, help_desk, kind="question", title="How to record a demo")
    engagement.unwatch_thread(member=asker, thread_id=question.pk)

    reply(helper, question, "Use OBS.", django_capture_on_commit_callbacks)

    assert told() == {("asker", "answer")}


def test_nobody_hears_of_a_thread_they_cannot_see(django_capture_on_commit_callbacks):
    room = CategoryFactory(tier_only=True, minimum_tier=TierFactory(rank=50))
    insider = UserFactory(handle="insider", tier=TierFactory(rank=60))
    outsider = UserFactory(handle="outsider", tier=TierFactory(rank=10))
    engagement.set_category_level(member=insider, category_id=room.pk, level="watching")
    # The outsider watched the room while they had the tier, then lost it.
    Subscription.objects.create(member=outsider, category=room, level="watching")
    author = UserFactory(handle="author", is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        start_thread(author, room, title="VIP only thread", body="Hi @outsider and @insider")

    assert told() == {("insider", "mention")}


def test_a_mention_inside_a_quote_tells_nobody(
    help_desk, asker, django_capture_on_commit_callbacks
):
    UserFactory(handle="ada")
    thread = start_thread(asker, help_desk, title="Quoting a mention")
    body = "> **@asker** wrote:\n>\n> Thanks @ada for this!\n\nAgreed."

    reply(UserFactory(handle="writer"), thread, body, django_capture_on_commit_callbacks)

    assert told() == {("asker", "quote")}


def test_a_muted_category_silences_mentions_in_it(
    help_desk, asker, django_capture_on_commit_callbacks
):
    hermit = UserFactory(handle="hermit")
    engagement.set_category_level(member=hermit, category_id=help_desk.pk, level="muted")

    with django_capture_on_commit_callbacks(execute=True):
        start_thread(asker, help_desk, title="Hello everyone here", body="Hi @hermit!")

    assert told() == set()


def test_a_reaction_tells_the_author_once_and_not_for_a_muted_thread(help_desk, asker, helper):
    thread = start_thread(asker, help_desk, title="Share your setup")
    post = thread.posts.get(number=1)

    engagement.add_reaction(member=helper, post_id=post.pk, kind="like")
    engagement.add_reaction(member=helper, post_id=post.pk, kind="like")
    engagement.set_thread_level(member=asker, thread_id=thread.pk, level="muted")
    engagement.add_reaction(member=UserFactory(), post_id=post.pk, kind="thanks")

    assert told() == {("asker", "reaction")}
    assert Notification.objects.count() == 1


def test_accepting_an_answer_tells_its_author_once(
    help_desk, asker, helper, django_capture_on_commit_callbacks
):
    question = start_thread(asker, help_desk, kind="question", title="Why is audio out of sync")
    answer = reply(helper, question, "Re-encode it.", django_capture_on_commit_callbacks)
    Notification.objects.all().delete()

    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)
    posting.unaccept_answer(actor=asker, thread_id=question.pk)
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)

    assert told() == {("helper", "answer_accepted")}
    assert Notification.objects.count() == 1


def test_an_edit_that_adds_a_mention_tells_only_the_new_member(
    help_desk, asker, helper, django_capture_on_commit_callbacks
):
    UserFactory(handle="newbie")
    thread = start_thread(asker, help_desk, title="Ask me about talks", body="Hi @helper")
    post = thread.posts.get(number=1)
    Notification.objects.all().delete()

    posting.edit_post(editor=asker, post_id=post.pk, body="Hi @helper and @newbie")

    assert told() == {("newbie", "mention")}


def test_running_the_task_again_writes_nothing_new(
    help_desk, asker, django_capture_on_commit_callbacks
):
    thread = start_thread(asker, help_desk, title="Thread with watchers")
    for member in UserFactory.create_batch(3):
        engagement.watch_thread(member=member, thread_id=thread.pk)
    post = reply(UserFactory(), thread, "A reply.", django_capture_on_commit_callbacks)
    written_again = notifying.notify_about_post(post_id=post.pk)

    assert written_again == 0
    assert Notification.objects.filter(kind="reply").count() == 4


def test_fan_out_runs_in_bounded_chunks(
    help_desk, asker, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("community.services.notifying.FANOUT_CHUNK", 2)
    monkeypatch.setattr("community.notifications.FANOUT_CHUNK", 2)
    thread = start_thread(asker, help_desk, title="A popular thread")
    watchers = UserFactory.create_batch(5)
    Subscription.objects.bulk_create([Subscription(member=m, thread=thread) for m in watchers])
    calls = []
    import community.services.notifying as notifying

    original = notifying.watchers_after
    monkeypatch.setattr(
        notifying,
        "watchers_after",
        lambda post, after: calls.append(after) or original(post, after),
    )

    reply(UserFactory(), thread, "Hello watchers.", django_capture_on_commit_callbacks)

    # chunks of 2 after member ids 0, w2, w4, then an empty one ends it (the author too)
    assert len(calls) == 4
    assert Notification.objects.filter(kind="reply").count() == 6


def test_excerpt_drops_code_and_quotes():
    source = "> quoted line\n\nReal text here.\n\n```python\nsecret()\n```\nAnd more."

    assert excerpt_of(source) == "Real text here. And more."
