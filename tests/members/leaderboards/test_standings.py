"""Leaderboard summaries: moved by every ledger entry, in the community's calendar, and
rebuilt from the ledger to exactly the live rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.models import Topic
from members.leaderboards import standings
from members.leaderboards.models import MemberPeriodPoints, MemberTopicPoints
from members.loyalty import ledger
from tests.community.factories import PostFactory, ThreadFactory
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

#: A Sunday, 12:00 UTC: already Monday 1 a.m. in Auckland, still Sunday morning in LA.
SUNDAY_NOON_UTC = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def period_rows(member) -> list[tuple[str, date, int]]:
    return sorted(
        MemberPeriodPoints.objects.filter(member=member).values_list(
            "period", "starts_on", "points"
        )
    )


def all_rows() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        sorted(
            MemberPeriodPoints.objects.values_list("member_id", "period", "starts_on", "points")
        ),
        sorted(MemberTopicPoints.objects.values_list("member_id", "topic_id", "points")),
    )


def test_an_entry_counts_on_its_week_its_month_and_all_time(member):
    ledger.record(member_id=member.pk, verb="thread_started", key="t1", occurred_at=SUNDAY_NOON_UTC)

    assert period_rows(member) == [
        ("all", date(2000, 1, 1), 5),
        ("month", date(2026, 11, 1), 5),
        ("week", date(2026, 11, 23), 5),
    ]


@pytest.mark.parametrize(
    ("zone", "week", "month"),
    [
        ("Pacific/Auckland", date(2026, 11, 30), date(2026, 11, 1)),
        ("America/Los_Angeles", date(2026, 11, 23), date(2026, 11, 1)),
    ],
)
def test_periods_follow_the_community_time_zone(settings, member, zone, week, month):
    settings.TIME_ZONE = zone

    ledger.record(member_id=member.pk, verb="thread_started", key="t1", occurred_at=SUNDAY_NOON_UTC)

    assert period_rows(member) == [
        ("all", date(2000, 1, 1), 5),
        ("month", month, 5),
        ("week", week, 5),
    ]


def test_a_month_boundary_in_the_community_zone(settings, member):
    settings.TIME_ZONE = "Pacific/Auckland"
    last_of_november_utc = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 1 December in Auckland

    ledger.record(
        member_id=member.pk, verb="reply_posted", key="r", occurred_at=last_of_november_utc
    )

    assert ("month", date(2026, 12, 1), 2) in period_rows(member)


def test_a_reversal_comes_off_the_period_the_points_went_to(member):
    liker = UserFactory()
    ledger.record(
        member_id=member.pk,
        verb="like_received",
        key="like",
        actor_id=liker.pk,
        occurred_at=datetime(2026, 10, 7, 9, 0, tzinfo=UTC),
    )
    ledger.record(member_id=member.pk, verb="reply_posted", key="r", occurred_at=SUNDAY_NOON_UTC)

    ledger.reverse(key="like")

    assert period_rows(member) == [
        ("all", date(2000, 1, 1), 2),
        ("month", date(2026, 10, 1), 0),
        ("month", date(2026, 11, 1), 2),
        ("week", date(2026, 10, 5), 0),
        ("week", date(2026, 11, 23), 2),
    ]


def test_an_entry_worth_nothing_writes_no_row(member):
    ledger.record(member_id=member.pk, verb="moderator_award", key="m")  # rule: 0 points

    assert period_rows(member) == []


def test_points_about_a_post_count_on_its_threads_topics(member):
    python, devops = Topic.objects.get(slug="python"), Topic.objects.get(slug="devops")
    thread = ThreadFactory()
    thread.topics.set([python, devops])
    reply = PostFactory(thread=thread, author=member)

    ledger.record(
        member_id=member.pk, verb="reply_posted", key="r", subject_type="post", subject_id=reply.pk
    )
    ledger.record(
        member_id=member.pk,
        verb="like_received",
        key="l",
        subject_type="post",
        subject_id=reply.pk,
        actor_id=UserFactory().pk,
    )

    assert sorted(MemberTopicPoints.objects.values_list("topic__slug", "points")) == [
        ("devops", 12),
        ("python", 12),
    ]


def test_points_about_an_event_count_on_its_topics(member):
    event = EventFactory(topics=[Topic.objects.get(slug="python")])

    ledger.record(
        member_id=member.pk,
        verb="event_attended",
        key="e",
        subject_type="event",
        subject_id=event.pk,
    )

    assert list(MemberTopicPoints.objects.values_list("topic__slug", "points")) == [("python", 20)]


def test_rebuilding_from_the_ledger_gives_the_live_rows(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    python = Topic.objects.get(slug="python")
    thread = ThreadFactory()
    thread.topics.set([python])
    helpers = UserFactory.create_batch(3)
    for n, helper in enumerate(helpers):
        reply = PostFactory(thread=thread, author=helper)
        for day in range(n + 2):
            ledger.record(
                member_id=helper.pk,
                verb="like_received",
                key=f"like:{n}:{day}",
                subject_type="post",
                subject_id=reply.pk,
                actor_id=helpers[(n + 1) % 3].pk,
                occurred_at=datetime(2026, 10, 25, 11, 30, tzinfo=UTC) + timedelta(days=day * 3),
            )
        ledger.record(member_id=helper.pk, verb="thread_started", key=f"t:{n}")
    ledger.reverse(key="like:1:0")
    live = all_rows()

    written = standings.rebuild()

    assert all_rows() == live
    assert written == (len(live[0]), len(live[1]))
    assert len(live[1]) == 3
