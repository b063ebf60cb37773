"""Greeting a chunk of members at once: each member's own figures, and a fixed number of
queries per chunk whatever the number of members in it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.models import Delivery, Topic
from members.celebrations import services
from members.celebrations.models import Celebration
from members.loyalty import ledger
from members.loyalty.models import Activity
from members.models import Notification
from tests.community.factories import PostFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = date(2027, 3, 15)
JOINED = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
IN_THE_YEAR = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def reply_about(topic_slug: str, member) -> int:
    thread = ThreadFactory()
    thread.topics.set([Topic.objects.get(slug=topic_slug)])
    return int(PostFactory(thread=thread, author=member).pk)


def test_each_member_of_a_chunk_gets_their_own_year(django_capture_on_commit_callbacks):
    writer, helper = (UserFactory(time_zone="UTC", date_joined=JOINED) for _ in range(2))
    for n in range(2):
        ledger.record(
            member_id=writer.pk,
            verb="reply_posted",
            key=f"w{n}",
            subject_type="post",
            subject_id=reply_about("python", writer),
            occurred_at=IN_THE_YEAR,
        )
    ledger.record(
        member_id=helper.pk,
        verb="answer_accepted",
        key="h",
        subject_type="post",
        subject_id=reply_about("devops", helper),
        actor_id=writer.pk,
        occurred_at=IN_THE_YEAR,
    )

    with django_capture_on_commit_callbacks(execute=True):
        greeted = services.celebrate_members(
            member_ids=[writer.pk, helper.pk], kind="anniversary", on_date=DAY
        )

    summaries = dict(Celebration.objects.values_list("member_id", "summary"))
    assert greeted == 2
    assert summaries[writer.pk] == {
        "posts": 2,
        "answers_accepted": 0,
        "likes_received": 0,
        "events_attended": 0,
        "points": 4,
        "top_topic": "Python",
        "tier": "",
    }
    assert summaries[helper.pk] == {
        "posts": 0,
        "answers_accepted": 1,
        "likes_received": 0,
        "events_attended": 0,
        "points": 25,
        "top_topic": "DevOps",
        "tier": "",
    }
    assert sorted(
        Activity.objects.filter(verb="membership_anniversary").values_list("member_id", "key")
    ) == [
        (writer.pk, f"anniversary:{writer.pk}:2027"),
        (helper.pk, f"anniversary:{helper.pk}:2027"),
    ]


@pytest.mark.parametrize("count", [2, 9])
def test_a_chunk_costs_the_same_queries_whatever_the_number_of_members(
    django_assert_num_queries, count
):
    ids = [UserFactory(time_zone="UTC", date_joined=JOINED).pk for _ in range(count)]

    # members; "your year" (counts and points, subjects); the claim; the inbox (5); the
    # anniversaries' ledger entries (record_many, with the one-year badge: its holders
    # check, insert, count and 5 notification queries); email choices; the two queries of
    # the email ledger; savepoints
    with django_assert_num_queries(53):
        greeted = services.celebrate_members(member_ids=ids, kind="anniversary", on_date=DAY)

    assert greeted == count
    assert Notification.objects.filter(kind="celebration").count() == count
    assert Delivery.objects.filter(kind="member:celebration").count() == count


def test_members_greeted_already_are_skipped_and_the_rest_greeted(
    django_capture_on_commit_callbacks,
):
    first, second = (UserFactory(time_zone="UTC", birthday_month=3, birthday_day=15) for _ in "ab")
    with django_capture_on_commit_callbacks(execute=True):
        services.celebrate_members(member_ids=[first.pk], kind="birthday", on_date=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        greeted = services.celebrate_members(
            member_ids=[first.pk, second.pk], kind="birthday", on_date=DAY
        )

    assert greeted == 1
    assert sorted(Celebration.objects.values_list("member_id", flat=True)) == [
        first.pk,
        second.pk,
    ]
    assert Delivery.objects.filter(recipient=first).count() == 1
    assert Notification.objects.filter(recipient=first, kind="celebration").count() == 1
