"""Reminders, 24 hours and 1 hour before: exactly once per member, however often the
sweeper runs, when workers race or die, and re-armed when the start moves."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.models import Delivery
from events.models import Reminder, ReminderRun
from events.services import publishing, reminders
from events.services.publishing import EventDetails
from members.models import NotificationSetting
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY_SUBJECT = "[Hearth] Tomorrow: Launch week AMA"
HOUR_SUBJECT = "[Hearth] Starting in an hour: Launch week AMA"
WAITING_SUBJECT = "[Hearth] Still on the waitlist: Launch week AMA"


@pytest.fixture
def launch(host):
    """An AMA whose 24-hour reminder fell due five minutes ago. `ada` and `bob` have
    seats since yesterday, `wes` waits since yesterday, `cat` cancelled, `lea` took a seat
    just now (after the 24-hour reminder's time)."""
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    event = EventFactory(
        title="Launch week AMA",
        capacity=3,
        starts_at=now + timedelta(hours=23, minutes=55),
        hosts=[host],
    )
    people = {}
    for handle, trait, confirmed_at in [
        ("ada", {}, yesterday),
        ("bob", {}, yesterday),
        ("lea", {}, now),
        ("wes", {"waitlisted": True, "waitlisted_at": yesterday}, None),
        ("cat", {"cancelled": True}, None),
    ]:
        member = UserFactory(handle=handle, email=f"{handle}@example.com")
        RegistrationFactory(
            event=event, member=member, confirmed_at=confirmed_at, registered_at=yesterday, **trait
        )
        people[handle] = member
    return event, people


def subjects():
    """handle -> the subjects of the emails they got, in order."""
    result = {}
    for message in mail.outbox:
        result.setdefault(message.to[0].split("@")[0], []).append(message.subject)
    return result


def sweep(at, capture):
    with capture(execute=True):
        return reminders.sweep_due_reminders(now=at)


def test_each_seat_gets_one_day_and_one_hour_reminder_however_often_the_sweeper_runs(
    launch, django_capture_on_commit_callbacks
):
    event, _ = launch
    now = timezone.now()
    hour_due = event.starts_at - timedelta(hours=1)

    handed = [
        sweep(at, django_capture_on_commit_callbacks)
        for at in (
            now,
            now + timedelta(seconds=30),
            now + timedelta(minutes=1),
            now + timedelta(minutes=11),  # past the stall check: finds nobody missing
            hour_due + timedelta(seconds=10),
            hour_due + timedelta(seconds=40),
            hour_due + timedelta(minutes=1),
            hour_due + timedelta(minutes=12),
        )
    ]

    assert handed == [3, 0, 0, 0, 3, 0, 0, 0]
    assert subjects() == {
        "ada": [DAY_SUBJECT, HOUR_SUBJECT],
        "bob": [DAY_SUBJECT, HOUR_SUBJECT],
        "wes": [WAITING_SUBJECT],
        "lea": [HOUR_SUBJECT],
    }
    assert sorted(
        (run.offset, run.recipient_count, run.completed_at is not None)
        for run in ReminderRun.objects.all()
    ) == [("1h", 3, True), ("24h", 3, True)]


def test_reminders_carry_the_join_link_and_the_calendar_entry_to_seats_only(
    launch, django_capture_on_commit_callbacks
):
    event, _ = launch

    sweep(timezone.now(), django_capture_on_commit_callbacks)

    by_address = {m.to[0]: m for m in mail.outbox}
    reminder, note = by_address["ada@example.com"], by_address["wes@example.com"]
    assert event.join_url in reminder.body
    assert [name for name, _, _ in reminder.attachments] == ["event.ics"]
    assert event.join_url not in note.body
    assert note.attachments == []
    assert len(mail.outbox) == 3  # ada, bob, wes: one email each, no BCC
    assert all(len(m.to) == 1 and not m.bcc for m in mail.outbox)


def test_a_worker_that_dies_mid_batch_leaves_nothing_half_sent(
    launch, monkeypatch, django_capture_on_commit_callbacks
):
    now = timezone.now()
    real_queue_emails = reminders.queue_emails
    calls = []

    def dies_first_time(messages):
        calls.append(len(messages))
        if len(calls) == 1:
            raise RuntimeError("worker killed")
        return real_queue_emails(messages)

    monkeypatch.setattr(reminders, "queue_emails", dies_first_time)

    sweep(now, django_capture_on_commit_callbacks)
    after_death = (Reminder.objects.count(), Delivery.objects.count(), len(mail.outbox))
    sweep(now + timedelta(minutes=5), django_capture_on_commit_callbacks)  # still fresh
    sweep(now + timedelta(minutes=11), django_capture_on_commit_callbacks)  # stalled: again

    assert after_death == (0, 0, 0)
    assert calls == [3, 3]
    assert subjects() == {"ada": [DAY_SUBJECT], "bob": [DAY_SUBJECT], "wes": [WAITING_SUBJECT]}


def test_a_chunk_run_twice_sends_nothing_twice(launch, django_capture_on_commit_callbacks):
    event, people = launch
    ids = [people["ada"].pk, people["bob"].pk]
    key = event.starts_at.isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_event_reminders(
            event_id=event.pk, offset="24h", starts_at=key, member_ids=ids
        )
        second = reminders.send_event_reminders(
            event_id=event.pk, offset="24h", starts_at=key, member_ids=ids
        )

    assert (first, second) == (2, 0)
    assert subjects() == {"ada": [DAY_SUBJECT], "bob": [DAY_SUBJECT]}


def test_a_moved_start_sends_the_change_and_re_arms_the_reminders(
    launch, staff, host, django_capture_on_commit_callbacks
):
    event, _ = launch
    now = timezone.now()
    sweep(now, django_capture_on_commit_callbacks)
    new_start = event.starts_at + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.update_event(
            actor=staff,
            event_id=event.pk,
            details=EventDetails(
                kind=event.kind,
                title=event.title,
                description=event.description,
                starts_at=new_start,
                ends_at=new_start + timedelta(hours=1),
                time_zone=event.time_zone,
                hosts=[host],
                capacity=event.capacity,
                join_url=event.join_url,
            ),
        )
    handed = [
        sweep(at, django_capture_on_commit_callbacks)
        for at in (
            now + timedelta(minutes=1),  # the old start's reminder time: nothing is due
            new_start - timedelta(hours=23, minutes=59),
            new_start - timedelta(minutes=59),
        )
    ]

    assert handed == [0, 4, 3]  # lea took her seat before the new day-before mark
    moved = "[Hearth] New time: Launch week AMA"
    assert subjects() == {
        "ada": [DAY_SUBJECT, moved, DAY_SUBJECT, HOUR_SUBJECT],
        "bob": [DAY_SUBJECT, moved, DAY_SUBJECT, HOUR_SUBJECT],
        "wes": [WAITING_SUBJECT, moved, WAITING_SUBJECT],
        "lea": [moved, DAY_SUBJECT, HOUR_SUBJECT],
    }


def test_a_start_moved_past_its_day_reminder_skips_it(
    launch, staff, host, django_capture_on_commit_callbacks
):
    event, _ = launch
    new_start = timezone.now() + timedelta(hours=10)

    publishing.update_event(
        actor=staff,
        event_id=event.pk,
        details=EventDetails(
            kind=event.kind,
            title=event.title,
            description=event.description,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=1),
            time_zone=event.time_zone,
            hosts=[host],
            capacity=event.capacity,
            join_url=event.join_url,
        ),
    )
    handed = [
        sweep(at, django_capture_on_commit_callbacks)
        for at in (timezone.now(), new_start - timedelta(minutes=30))
    ]

    assert handed == [0, 3]
    assert sorted(Reminder.objects.values_list("member__handle", "offset")) == [
        ("ada", "1h"),
        ("bob", "1h"),
        ("lea", "1h"),
    ]


def test_no_reminder_after_the_start(launch, django_capture_on_commit_callbacks):
    event, people = launch

    late = sweep(event.starts_at + timedelta(minutes=1), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        chunk = reminders.send_event_reminders(
            event_id=event.pk,
            offset="1h",
            starts_at=event.starts_at.isoformat(),
            member_ids=[people["ada"].pk],
            now=event.starts_at,
        )

    assert (late, chunk) == (0, 0)
    assert mail.outbox == []


def test_a_cancelled_event_reminds_nobody(launch, django_capture_on_commit_callbacks):
    event, _ = launch
    event.status = "cancelled"
    event.save(update_fields=["status"])

    handed = sweep(timezone.now(), django_capture_on_commit_callbacks)

    assert handed == 0
    assert mail.outbox == []


def test_a_member_who_turned_reminders_off_is_recorded_not_emailed(
    launch, django_capture_on_commit_callbacks
):
    _, people = launch
    NotificationSetting.objects.create(
        member=people["ada"], kind="event_reminder", email="never", on_site=False
    )

    sweep(timezone.now(), django_capture_on_commit_callbacks)

    assert sorted(Reminder.objects.values_list("member__handle", "is_emailed")) == [
        ("ada", False),
        ("bob", True),
        ("wes", True),
    ]
    assert subjects() == {"bob": [DAY_SUBJECT], "wes": [WAITING_SUBJECT]}


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_and_two_sweepers_at_once_send_each_reminder_once(host):
    now = timezone.now()
    event = EventFactory(
        title="Launch week AMA",
        capacity=None,
        starts_at=now + timedelta(hours=23, minutes=55),
        hosts=[host],
    )
    members = UserFactory.create_batch(30)
    for member in members:
        RegistrationFactory(event=event, member=member, confirmed_at=now - timedelta(days=1))
    ids = [m.pk for m in members]
    start = event.starts_at.isoformat()
    barrier = threading.Barrier(4)
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    calls = [
        lambda: reminders.send_event_reminders(
            event_id=event.pk, offset="24h", starts_at=start, member_ids=ids
        ),
        lambda: reminders.send_event_reminders(
            event_id=event.pk, offset="24h", starts_at=start, member_ids=ids
        ),
        lambda: reminders.sweep_due_reminders(now=now),
        lambda: reminders.sweep_due_reminders(now=now),
    ]
    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Reminder.objects.filter(event=event).count() == 30
    assert Delivery.objects.filter(kind="member:event_reminder").count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
