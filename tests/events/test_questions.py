"""AMA questions: asking (anonymous ones hidden from members, never from hosts), one vote
per member, the hosts' queue, the live refresh and the recap in the discussion."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from community.models import Post
from events.exceptions import InvalidQuestionError, NotAllowedError
from events.models import Event, Question, QuestionVote
from events.selectors import QuestionSort, get_questions_screen
from events.services import endings, publishing, questions
from members.models import Notification
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(ama):
    member = UserFactory(handle="quiet_asker", display_name="Quentin Quiet")
    RegistrationFactory(event=ama, member=member)
    return member


@pytest.fixture
def voter(ama, member):
    RegistrationFactory(event=ama, member=member)
    return member


def ask(member, event, body="How do you pick what to write about?", anonymous=False):
    return questions.ask_question(
        event_id=event.pk, member=member, body=body, is_anonymous=anonymous
    )


def test_a_registrant_asks_and_the_live_version_moves(ama, asker):
    question = ask(asker, ama)

    ama.refresh_from_db()
    assert (question.status, question.author_id, ama.questions_version) == ("open", asker.pk, 1)


def test_only_registrants_ask_and_a_refusal_writes_nothing(ama, member):
    with pytest.raises(NotAllowedError):
        ask(member, ama)

    ama.refresh_from_db()
    assert (Question.objects.count(), ama.questions_version) == (0, 0)


def test_questions_close_when_the_ama_ends(asker, ama):
    Event.objects.filter(pk=ama.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )

    with pytest.raises(NotAllowedError):
        ask(asker, ama)

    assert Question.objects.count() == 0


def test_a_too_short_question_names_the_field(asker, ama):
    with pytest.raises(InvalidQuestionError) as refused:
        ask(asker, ama, body="Hm?")

    assert refused.value.field == "body"
    assert Question.objects.count() == 0


def test_an_anonymous_question_waits_for_a_host_and_never_shows_its_author_to_members(
    client, ama, asker, voter, host
):
    question = ask(asker, ama, body="What did the first launch cost?", anonymous=True)
    client.force_login(voter)
    before = client.get(ama.get_absolute_url()).content.decode()

    questions.moderate_question(question_id=question.pk, actor=host, action="approve")
    after = client.get(ama.get_absolute_url()).content.decode()
    api = client.get(reverse("api:event-questions", args=[ama.pk])).json()
    live = client.get(reverse("events:questions-live", args=[ama.pk])).json()["html"]

    assert "What did the first launch cost?" not in before
    assert "What did the first launch cost?" in after
    for text in (after, live, str(api)):
        assert "quiet_asker" not in text
        assert "Quentin Quiet" not in text
    assert [(q["body"], q["author"], q["is_anonymous"]) for q in api["results"]] == [
        ("What did the first launch cost?", None, True)
    ]


def test_hosts_and_the_author_see_who_asked_anonymously(client, ama, asker, host):
    ask(asker, ama, body="What did the first launch cost?", anonymous=True)

    client.force_login(host)
    host_view = client.get(reverse("api:event-questions", args=[ama.pk])).json()
    client.force_login(asker)
    own_view = client.get(reverse("api:event-questions", args=[ama.pk])).json()

    assert [(q["author"], q["status"]) for q in host_view["results"]] == [
        ("quiet_asker", "pending")
    ]
    assert [(q["author"], q["status"]) for q in own_view["results"]] == [("quiet_asker", "pending")]


def test_a_member_votes_once(ama, asker, voter):
    question = ask(asker, ama)

    first = questions.vote_for_question(question_id=question.pk, member=voter)
    second = questions.vote_for_question(question_id=question.pk, member=voter)

    question.refresh_from_db()
    assert (first, second, question.vote_count) == (True, False, 1)
    assert QuestionVote.objects.count() == 1


def test_nobody_votes_for_their_own_question(ama, asker):
    question = ask(asker, ama)

    with pytest.raises(NotAllowedError):
        questions.vote_for_question(question_id=question.pk, member=asker)

    question.refresh_from_db()
    assert (question.vote_count, QuestionVote.objects.count()) == (0, 0)


def test_a_vote_can_be_taken_back(ama, asker, voter):
    question = ask(asker, ama)
    questions.vote_for_question(question_id=question.pk, member=voter)

    taken_back = questions.withdraw_vote(question_id=question.pk, member=voter)

    question.refresh_from_db()
    assert (taken_back, question.vote_count, QuestionVote.objects.count()) == (True, 0, 0)


def test_questions_sort_by_votes_or_newest(ama, voter):
    older = QuestionFactory(event=ama, body="Older, popular question?", vote_count=5)
    newer = QuestionFactory(event=ama, body="Newer, quiet question?", vote_count=1)

    by_votes = get_questions_screen(viewer=voter, event_id=ama.pk, sort=QuestionSort.VOTES)
    by_date = get_questions_screen(viewer=voter, event_id=ama.pk, sort=QuestionSort.NEWEST)

    assert [r.question.pk for r in by_votes.questions.rows] == [older.pk, newer.pk]
    assert [r.question.pk for r in by_date.questions.rows] == [newer.pk, older.pk]


def test_one_question_is_answered_at_a_time(ama, host):
    first, second = QuestionFactory(event=ama), QuestionFactory(event=ama)

    questions.moderate_question(question_id=first.pk, actor=host, action="answering")
    questions.moderate_question(question_id=second.pk, actor=host, action="answering")

    assert dict(Question.objects.values_list("pk", "status")) == {
        first.pk: "open",
        second.pk: "answering",
    }


def test_marking_answered_records_where_and_tells_the_author(ama, host, asker):
    question = ask(asker, ama)

    questions.moderate_question(
        question_id=question.pk, actor=host, action="answered", answer_at_seconds=754
    )

    question.refresh_from_db()
    assert (question.status, question.answer_at_label) == ("answered", "12:34")
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (asker.pk, "event_question")
    ]


def test_members_cannot_run_the_queue(ama, asker, voter):
    question = ask(asker, ama)

    with pytest.raises(NotAllowedError):
        questions.moderate_question(question_id=question.pk, actor=voter, action="star")

    question.refresh_from_db()
    assert question.is_starred is False


def test_archived_questions_leave_the_members_list(ama, host, voter):
    question = QuestionFactory(event=ama)

    questions.moderate_question(question_id=question.pk, actor=host, action="archive")

    members_rows = get_questions_screen(viewer=voter, event_id=ama.pk).questions.rows
    hosts_rows = get_questions_screen(viewer=host, event_id=ama.pk).questions.rows
    assert (len(members_rows), [r.question.status for r in hosts_rows]) == (0, ["archived"])


def test_the_live_refresh_answers_304_until_something_changes(client, ama, asker, voter):
    question = ask(asker, ama)
    client.force_login(voter)
    url = reverse("events:questions-live", args=[ama.pk])
    first = client.get(url)

    unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    questions.vote_for_question(question_id=question.pk, member=voter)
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert (first.status_code, unchanged.status_code, changed.status_code) == (200, 304, 200)
    assert (first.json()["version"], changed.json()["version"]) == (1, 2)
    assert first["ETag"] == f'"q-{voter.pk}-1-votes"'


def test_the_recap_lists_the_answered_questions_once_the_ama_ends(staff, host):
    event = EventFactory(
        ama=True,
        draft=True,
        hosts=[host],
        title="Recap AMA",
        recording_url="https://video.example.com/recap",
    )
    publishing.publish_event(actor=staff, event_id=event.pk)
    answered = QuestionFactory(
        event=event,
        body="How do you *start*?",
        status="answered",
        answer_at_seconds=3723,
        answered_at=timezone.now(),
        is_anonymous=True,
    )
    QuestionFactory(event=event, body="Unanswered one?")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=1)
    )

    finished = endings.finish_due_events()
    again = questions.post_recap(event_id=event.pk)

    event.refresh_from_db()
    recap = Post.objects.get(pk=event.recap_post_id)
    assert (finished, again, event.status) == (1, None, "finished")
    assert (recap.thread_id, recap.number, recap.author_id) == (event.thread_id, 2, host.pk)
    assert recap.source == (
        "**AMA recap:** 1 question answered in this session.\n\n"
        "1. How do you \\*start\\*?  \n"
        "   Answered at 1:02:03 in [the recording](https://video.example.com/recap)."
    )
    assert answered.author.handle not in recap.source


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_count_one_per_member(host):
    event = EventFactory(ama=True, capacity=None, hosts=[host])
    question = QuestionFactory(event=event)
    voters = UserFactory.create_batch(8)
    for member in voters:
        RegistrationFactory(event=event, member=member)
    # Each member votes three times at once: 24 racing calls, 8 votes.
    calls = [member for member in voters for _ in range(3)]
    barrier = threading.Barrier(len(calls))
    results = []

    def vote(member):
        try:
            barrier.wait(timeout=30)
            results.append(questions.vote_for_question(question_id=question.pk, member=member))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(member,)) for member in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    question.refresh_from_db()
    assert sorted(results) == [False] * 16 + [True] * 8
    assert question.vote_count == 8
    assert QuestionVote.objects.filter(question=question).count() == 8
