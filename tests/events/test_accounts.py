"""A member's events when they leave (their seat goes to the next in line, counters stay
true) and in their data export; and the beat entries that run events' periodic work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from events import tasks
from events.exceptions import InvalidEventError, InvalidQuestionError, RegistrationStateError
from events.models import Event, Question, Registration
from events.selectors import export_events, get_questions_screen
from events.services import endings, publishing, questions, registrations
from members.services import delete_account
from tests.events.factories import (
    EventFactory,
    PledgeFactory,
    ProposalFactory,
    QuestionFactory,
    RegistrationFactory,
)
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_deleted_account_gives_its_seat_to_the_next_in_line(host):
    event = EventFactory(capacity=1, hosts=[host])
    leaving = RegistrationFactory(event=event).member
    waiting = RegistrationFactory(event=event, waitlisted=True).member

    delete_account(member=leaving)

    event.refresh_from_db()
    assert event.held_seat_count == 1
    assert list(Registration.objects.values_list("member_id", "status")) == [
        (waiting.pk, "offered")
    ]


def test_a_deleted_account_takes_its_votes_and_pledges_off_the_counters(ama):
    leaving = UserFactory()
    question = QuestionFactory(event=ama, vote_count=0)
    RegistrationFactory(event=ama, member=leaving)
    questions.vote_for_question(question_id=question.pk, member=leaving)
    proposal = ProposalFactory()
    PledgeFactory(proposal=proposal, member=leaving)

    delete_account(member=leaving)

    question.refresh_from_db()
    proposal.refresh_from_db()
    assert (question.vote_count, proposal.pledge_count) == (0, 0)


def test_a_deleted_authors_question_reads_former_member_not_anonymous(ama, member):
    author = UserFactory()
    QuestionFactory(event=ama, author=author, body="Who asked this?")

    delete_account(member=author)

    (row,) = get_questions_screen(viewer=member, event_id=ama.pk).questions.rows
    assert (row.author, row.shows_author, row.is_anonymous_to_viewer) == (None, True, False)


def test_the_data_export_has_the_members_events_and_nobody_elses(member, ama):
    RegistrationFactory(event=ama, member=member)
    RegistrationFactory(event=ama)
    QuestionFactory(event=ama, author=member, body="Mine?", is_anonymous=True)
    QuestionFactory(event=ama, body="Not mine?")

    data = export_events(member)

    assert [(r["event_id"], r["status"]) for r in data["registrations"]] == [(ama.pk, "confirmed")]
    assert [(q["body"], q["is_anonymous"]) for q in data["questions"]] == [("Mine?", True)]
    assert (data["ratings"], data["proposals"], data["pledges"]) == ([], [], [])


def test_an_offer_on_a_cancelled_event_cannot_be_claimed(member, webinar):
    RegistrationFactory(event=webinar, member=member, offered=True)
    Event.objects.filter(pk=webinar.pk).update(status=Event.Status.CANCELLED)

    with pytest.raises(RegistrationStateError):
        registrations.claim_offer(event_id=webinar.pk, member=member)

    assert Registration.objects.get().status == "offered"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "ftp://x.org/a"])
def test_links_staff_and_hosts_give_must_be_web_links(staff, host, link):
    event = EventFactory(past=True, hosts=[host])
    question = QuestionFactory(event=EventFactory(ama=True, hosts=[host]))

    with pytest.raises(InvalidEventError) as recording:
        endings.share_recording(actor=host, event_id=event.pk, recording_url=link)
    with pytest.raises(InvalidQuestionError) as answer:
        questions.moderate_question(
            question_id=question.pk, actor=host, action="answered", answer_url=link
        )
    with pytest.raises(InvalidEventError) as join:
        publishing.create_event(
            actor=staff,
            details=publishing.EventDetails(
                kind="webinar",
                title="A linked webinar",
                description="",
                starts_at=timezone.now() + timedelta(days=2),
                ends_at=timezone.now() + timedelta(days=2, hours=1),
                time_zone="UTC",
                hosts=[host],
                join_url=link,
            ),
        )

    assert (recording.value.field, answer.value.field, join.value.field) == (
        "recording_url",
        "answer_url",
        "join_url",
    )
    assert Event.objects.get(pk=event.pk).recording_url == ""
    assert Question.objects.get(pk=question.pk).status == "open"


def test_beat_runs_events_periodic_work_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}

    assert {
        task: schedule[task]
        for task in (
            "events.tasks.sweep_due_reminders_task",
            "events.tasks.expire_due_offers_task",
            "events.tasks.finish_due_events_task",
        )
    } == {
        "events.tasks.sweep_due_reminders_task": 60.0,
        "events.tasks.expire_due_offers_task": 60.0,
        "events.tasks.finish_due_events_task": 60.0,
    }


def test_the_periodic_tasks_do_their_work(host):
    ended = EventFactory(
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
        hosts=[host],
    )
    event = EventFactory(capacity=1, hosts=[host])
    RegistrationFactory(
        event=event, offered=True, offer_expires_at=timezone.now() - timedelta(minutes=1)
    )

    results = (
        tasks.expire_due_offers_task.delay().get(),
        tasks.finish_due_events_task.delay().get(),
        tasks.sweep_due_reminders_task.delay().get(),
    )

    ended.refresh_from_db()
    assert results == (1, 1, 0)
    assert ended.status == "finished"
