"""record_many: one verb for many members at once, with exactly what record() does for
each, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from core.models import Topic
from members.leaderboards.models import MemberPeriodPoints, MemberTopicPoints
from members.loyalty import ledger, periods
from members.loyalty.models import (
    Activity,
    BadgeAward,
    MemberPoints,
    MemberVerbTotal,
    TierGrant,
    TierHistory,
)
from members.models import Notification, User
from tests.community.factories import PostFactory, ThreadFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
VERB = "membership_anniversary"  # 10 points, no caps


@pytest.fixture
def frozen(monkeypatch):
    """Every loyalty rule reads periods.now(): one moment for both paths."""
    monkeypatch.setattr(periods, "now", lambda: NOW)
    return NOW


@pytest.fixture
def population(frozen):
    """Members the entry affects differently: first entry ever, a promotion at the
    threshold, the one-year badge, a grant, an entry recorded before, a topic's rows."""
    contributor = TierFactory(slug="contributor", rank=1, points_threshold=100)
    vip = TierFactory(slug="vip-granted", rank=5, points_threshold=None)
    thread = ThreadFactory()
    thread.topics.set([Topic.objects.get(slug="python")])
    post = PostFactory(thread=thread)
    fresh = UserFactory(date_joined=NOW - timedelta(days=30))
    near = UserFactory(date_joined=NOW - timedelta(days=100))
    ledger.record(member_id=near.pk, verb="moderator_award", key="near", points=95)
    veteran = UserFactory(date_joined=NOW - timedelta(days=400))
    granted = UserFactory(date_joined=NOW - timedelta(days=50))
    ledger.record(member_id=granted.pk, verb="moderator_award", key="granted", points=20)
    TierGrant.objects.create(member=granted, tier=vip, reason="Paid", starts_at=NOW - timedelta(1))
    repeat = UserFactory(date_joined=NOW - timedelta(days=60))
    ledger.record(member_id=repeat.pk, verb=VERB, key=f"entry:{repeat.pk}")
    members = [fresh, near, veteran, granted, repeat]
    return {"members": members, "post": post, "contributor": contributor}


def entries(population) -> list[ledger.Entry]:
    post = population["post"]
    return [
        ledger.Entry(
            member_id=member.pk,
            key=f"entry:{member.pk}",
            subject_type="post",
            subject_id=post.pk,
            reason="A year",
        )
        for member in population["members"]
    ]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "ledger": sorted(
            Activity.objects.values_list(
                "member_id", "verb", "points", "rule_points", "subject_type", "subject_id", "key"
            )
        ),
        "points": sorted(
            MemberPoints.objects.values_list(
                "member_id", "balance", "earned_tier_id", "promoted_at", "demotion_warned_at"
            )
        ),
        "verbs": sorted(
            MemberVerbTotal.objects.values_list("member_id", "verb", "count", "points")
        ),
        "periods": sorted(
            MemberPeriodPoints.objects.values_list("member_id", "period", "starts_on", "points")
        ),
        "topics": sorted(MemberTopicPoints.objects.values_list("member_id", "topic_id", "points")),
        "badges": sorted(BadgeAward.objects.values_list("member_id", "badge__slug")),
        "tiers": sorted(User.objects.values_list("pk", "tier_id")),
        "history": sorted(
            TierHistory.objects.values_list("member_id", "change", "tier_id", "is_earned")
        ),
        "notifications": sorted(
            Notification.objects.values_list("recipient_id", "kind", "target_id", "excerpt")
        ),
    }


def test_record_many_does_what_record_does_for_each_member(population):
    with transaction.atomic():
        for entry in entries(population):
            ledger.record(
                member_id=entry.member_id,
                verb=VERB,
                key=entry.key,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                reason=entry.reason,
            )
        expected = snapshot()
        transaction.set_rollback(True)

    rows = ledger.record_many(verb=VERB, entries=entries(population))

    assert len(rows) == 4  # the repeated key is skipped
    assert snapshot() == expected
    assert User.objects.get(pk=population["members"][1].pk).tier == population["contributor"]
    assert BadgeAward.objects.filter(
        member=population["members"][2], badge__slug="one-year"
    ).exists()


@pytest.mark.parametrize("count", [2, 12])
def test_record_many_costs_the_same_queries_whatever_the_number_of_members(
    frozen, django_assert_num_queries, count
):
    TierFactory(slug="contributor", rank=1, points_threshold=100)
    members = [UserFactory(date_joined=NOW - timedelta(days=30)) for _ in range(count)]
    batch = [ledger.Entry(member_id=member.pk, key=f"k{member.pk}") for member in members]

    # savepoint, rule, create + lock summaries, keys, savepoint + insert + release, balance,
    # create + move verb totals, 3 period updates + read + insert of the missing rows,
    # badges (badges, counters, join dates, holders), tiers (earnable tiers, all tiers,
    # savepoint, lock, points, members, grants, release), release
    with django_assert_num_queries(29):
        rows = ledger.record_many(verb=VERB, entries=batch)

    assert len(rows) == count
    assert MemberPoints.objects.filter(balance=10).count() == count


def test_record_many_refuses_two_entries_for_one_member(member):
    with pytest.raises(ValueError, match="one entry per member"):
        ledger.record_many(
            verb=VERB,
            entries=[
                ledger.Entry(member_id=member.pk, key="a"),
                ledger.Entry(member_id=member.pk, key="b"),
            ],
        )

    assert Activity.objects.count() == 0
