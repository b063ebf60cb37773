"""Anniversaries and birthdays: on each member's own local date, in their morning, exactly
once a year however often or concurrently the task runs, as the member chose to hear."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import connection

from core.models import Delivery, Topic
from members.celebrations import services
from members.celebrations.models import Celebration
from members.loyalty import ledger
from members.loyalty.models import Activity, BadgeAward
from members.models import Notification, NotificationSetting
from tests.community.factories import PostFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

#: 20:30 UTC on 15 March 2027: 09:30 on the 16th in Auckland, 13:30 on the 15th in LA.
EVENING_UTC = datetime(2027, 3, 15, 20, 30, tzinfo=UTC)


def greeted() -> list[tuple[str, str, date]]:
    return sorted(Celebration.objects.values_list("member__handle", "kind", "on_date"))


def sweep(capture, now=EVENING_UTC) -> int:
    with capture(execute=True):
        return services.sweep_due_celebrations(now=now)


def test_each_member_is_greeted_on_their_own_local_date(django_capture_on_commit_callbacks):
    UserFactory(handle="kiwi", time_zone="Pacific/Auckland", birthday_month=3, birthday_day=16)
    UserFactory(
        handle="angeleno", time_zone="America/Los_Angeles", birthday_month=3, birthday_day=15
    )
    UserFactory(
        handle="kiwi_later", time_zone="Pacific/Auckland", birthday_month=3, birthday_day=17
    )
    UserFactory(
        handle="la_later", time_zone="America/Los_Angeles", birthday_month=3, birthday_day=16
    )

    handed = sweep(django_capture_on_commit_callbacks)

    assert handed == 2
    assert greeted() == [
        ("angeleno", "birthday", date(2027, 3, 15)),
        ("kiwi", "birthday", date(2027, 3, 16)),
    ]


def test_the_anniversary_is_the_join_date_as_the_member_lived_it(
    django_capture_on_commit_callbacks,
):
    # Both joined at 12:00 UTC on 15 March 2026: the 16th in Auckland, the 15th in LA.
    joined = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    UserFactory(handle="kiwi", time_zone="Pacific/Auckland", date_joined=joined)
    UserFactory(handle="angeleno", time_zone="America/Los_Angeles", date_joined=joined)

    sweep(django_capture_on_commit_callbacks)

    assert greeted() == [
        ("angeleno", "anniversary", date(2027, 3, 15)),
        ("kiwi", "anniversary", date(2027, 3, 16)),
    ]
    assert list(Celebration.objects.values_list("years", flat=True).distinct()) == [1]


def test_nobody_is_greeted_before_their_morning(settings, django_capture_on_commit_callbacks):
    settings.CELEBRATION_HOUR = 14  # LA is at 13:30, Auckland at 09:30
    UserFactory(time_zone="America/Los_Angeles", birthday_month=3, birthday_day=15)

    handed = sweep(django_capture_on_commit_callbacks)

    assert handed == 0
    assert Celebration.objects.count() == 0


@pytest.mark.parametrize(
    ("day", "is_due"),
    [
        (date(2027, 2, 28), True),  # a common year: 29 February is greeted on the 28th
        (date(2027, 3, 1), False),
        (date(2028, 2, 28), False),  # a leap year: on the day itself
        (date(2028, 2, 29), True),
    ],
)
def test_29_february_is_greeted_on_28_february_in_other_years(day, is_due):
    leapling = UserFactory(
        time_zone="UTC",
        birthday_month=2,
        birthday_day=29,
        date_joined=datetime(2024, 2, 29, 10, 0, tzinfo=UTC),
    )

    due = services.due_member_ids(zone="UTC", day=day)

    expected = [leapling.pk] if is_due else []
    assert due == {"anniversary": expected, "birthday": expected}


def test_running_twice_greets_once(django_capture_on_commit_callbacks):
    member = UserFactory(
        time_zone="UTC",
        birthday_month=3,
        birthday_day=15,
        date_joined=datetime(2025, 3, 15, 9, 0, tzinfo=UTC),
    )

    first = sweep(django_capture_on_commit_callbacks)
    second = sweep(django_capture_on_commit_callbacks)
    again = services.celebrate(member_id=member.pk, kind="birthday", on_date=date(2027, 3, 15))

    assert (first, second, again) == (2, 0, None)
    assert Celebration.objects.filter(member=member).count() == 2
    assert sorted(Delivery.objects.filter(recipient=member).values_list("key", flat=True)) == [
        "anniversary:2027",
        "birthday:2027",
    ]
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=member, kind="celebration").count() == 2
    assert list(Activity.objects.filter(member=member).values_list("verb", "key", "points")) == [
        ("membership_anniversary", f"anniversary:{member.pk}:2027", 10)
    ]
    # the anniversary's ledger entry earns the tenure badge, once
    assert list(BadgeAward.objects.filter(member=member).values_list("badge__slug", flat=True)) == [
        "one-year"
    ]


def test_the_anniversary_email_tells_the_members_year(django_capture_on_commit_callbacks):
    member = UserFactory(
        handle="helper", time_zone="UTC", date_joined=datetime(2024, 3, 15, 9, 0, tzinfo=UTC)
    )
    thread = ThreadFactory()
    thread.topics.set([Topic.objects.get(slug="python")])
    reply = PostFactory(thread=thread, author=member)
    in_the_year = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    for n in range(3):
        ledger.record(
            member_id=member.pk,
            verb="reply_posted",
            key=f"r{n}",
            subject_type="post",
            subject_id=reply.pk,
            occurred_at=in_the_year,
        )
    ledger.record(
        member_id=member.pk,
        verb="answer_accepted",
        key="a",
        subject_type="post",
        subject_id=reply.pk,
        actor_id=UserFactory().pk,
        occurred_at=in_the_year,
    )
    ledger.record(
        member_id=member.pk,
        verb="reply_posted",
        key="old",
        occurred_at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    ledger.reverse(key="old")  # the reversal counts on the original's date: nets to nothing
    ledger.record(
        member_id=member.pk,
        verb="event_attended",
        key="too-old",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),  # before the year began
    )

    sweep(django_capture_on_commit_callbacks)

    celebration = Celebration.objects.get(member=member)
    assert celebration.summary == {
        "posts": 3,
        "answers_accepted": 1,
        "likes_received": 0,
        "events_attended": 0,
        "points": 31,
        "top_topic": "Python",
        "tier": "",
    }
    (message,) = mail.outbox
    assert message.subject == "[Hearth] Happy anniversary: 3 years at Hearth today!"
    assert "- 3 posts written\n- 1 answer accepted" in message.body
    assert "- Your top topic: Python" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_for_a_member_who_turned_celebration_emails_off(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(time_zone="UTC", birthday_month=3, birthday_day=15)
    NotificationSetting.objects.create(
        member=member, kind="celebration", email="never", on_site=True
    )

    sweep(django_capture_on_commit_callbacks)

    assert Celebration.objects.filter(member=member).count() == 1
    assert Notification.objects.filter(recipient=member, kind="celebration").count() == 1
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_nothing_for_a_member_who_turned_celebrations_off_both_ways(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(time_zone="UTC", birthday_month=3, birthday_day=15)
    NotificationSetting.objects.create(
        member=member, kind="celebration", email="never", on_site=False
    )

    sweep(django_capture_on_commit_callbacks)

    assert Notification.objects.filter(recipient=member).count() == 0
    assert Delivery.objects.count() == 0


def test_a_deactivated_account_is_not_greeted(django_capture_on_commit_callbacks):
    UserFactory(time_zone="UTC", birthday_month=3, birthday_day=15, inactive=True)

    handed = sweep(django_capture_on_commit_callbacks)

    assert handed == 0
    assert Celebration.objects.count() == 0


def test_the_greeting_is_in_the_members_inbox(client, django_capture_on_commit_callbacks):
    member = UserFactory(time_zone="UTC", birthday_month=3, birthday_day=15)
    sweep(django_capture_on_commit_callbacks)
    client.force_login(member)

    response = client.get("/notifications/")

    assert "Happy birthday from everyone at Hearth!" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_greet_once():
    member = UserFactory(time_zone="UTC", date_joined=datetime(2025, 3, 15, 9, 0, tzinfo=UTC))
    barrier = threading.Barrier(2)
    results: list[object] = []
    errors: list[Exception] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                services.celebrate_members(
                    member_ids=[member.pk], kind="anniversary", on_date=date(2027, 3, 15)
                )
            )
        except Exception as error:  # reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [0, 1]
    assert Celebration.objects.filter(member=member).count() == 1
    assert Delivery.objects.filter(recipient=member).count() == 1
    assert Notification.objects.filter(recipient=member, kind="celebration").count() == 1
    assert Activity.objects.filter(member=member).count() == 1
    assert list(BadgeAward.objects.filter(member=member).values_list("badge__slug", flat=True)) == [
        "one-year"
    ]


def test_beat_sweeps_celebrations_and_referrals_every_15_minutes():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    names = (
        "members.tasks.sweep_due_celebrations_task",
        "members.referrals.tasks.sweep_due_referral_activations_task",
    )

    assert {name: schedule[name] for name in names} == dict.fromkeys(names, 900.0)
    assert [name in app.tasks for name in (*names, "members.tasks.celebrate_task")] == [True] * 3
