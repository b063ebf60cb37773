"""Replaying the ledgers rebuilds exactly the state the services keep live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from members.loyalty import ledger, periods, replay, tiers
from members.loyalty.models import Badge, BadgeAward, MemberPoints, MemberVerbTotal
from members.models import User
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "points": sorted(
            MemberPoints.objects.values_list(
                "member_id",
                "balance",
                "earned_tier_id",
                "tier_since",
                "promoted_at",
                "demotion_warned_at",
            )
        ),
        "totals": sorted(
            MemberVerbTotal.objects.exclude(count=0, points=0).values_list(
                "member_id", "verb", "count", "points"
            )
        ),
        "tiers": sorted(User.objects.values_list("pk", "tier_id")),
        "badges": sorted(BadgeAward.objects.values_list("member_id", "badge_id")),
        "badge_counts": sorted(Badge.objects.values_list("slug", "award_count")),
    }


@pytest.fixture
def busy_community(staff):
    contributor = TierFactory(slug="contributor", rank=1, points_threshold=50)
    TierFactory(slug="champion", rank=2, points_threshold=200)
    vip = TierFactory(slug="vip", rank=3, points_threshold=None)
    ada, bob, cy = UserFactory.create_batch(3)
    for n in range(12):
        ledger.record(member_id=ada.pk, verb="reply_posted", key=f"ada-post-{n}")
        ledger.record(
            member_id=ada.pk,
            verb="like_received",
            key=f"ada-like-{n}",
            actor_id=[bob, cy][n % 2].pk,
            subject_type="post",
            subject_id=n,
        )
    for n in range(3):
        ledger.record(member_id=bob.pk, verb="answer_accepted", key=f"bob-a{n}", actor_id=ada.pk)
    ledger.reverse(key="ada-like-3")
    ledger.reverse_matching(subject_type="post", subject_id=4)
    ledger.record(
        member_id=cy.pk,
        verb="moderator_award",
        key="cy-old",
        points=250,
        occurred_at=periods.now() - timedelta(days=300),
    )
    tiers.refresh_all_tiers(now=periods.now() + timedelta(days=60))
    tiers.grant_tier(staff=staff, member_id=bob.pk, tier_id=vip.pk, reason="Paid", ends_at=None)
    return {"contributor": contributor, "members": [ada, bob, cy]}


def test_replay_rebuilds_exactly_the_live_state(busy_community):
    live = snapshot()

    replay.replay()

    assert snapshot() == live
    ada, bob, cy = busy_community["members"]
    assert [User.objects.get(pk=m.pk).tier.slug for m in (ada, bob, cy)] == [
        "contributor",
        "vip",
        "champion",
    ]
    assert MemberPoints.objects.get(member=cy).demotion_warned_at is not None


def test_replay_repairs_summaries_that_drifted(busy_community):
    live = snapshot()
    ada = busy_community["members"][0]
    MemberPoints.objects.filter(member=ada).update(balance=9999, earned_tier=None)
    MemberVerbTotal.objects.filter(member=ada).delete()
    User.objects.filter(pk=ada.pk).update(tier=None)
    Badge.objects.update(award_count=0)

    report = replay.replay()

    assert snapshot() == live
    assert report.tier_changes == 1


def test_the_command_rebuilds_and_reports(busy_community, capsys):
    live = snapshot()

    call_command("rebuild_loyalty")

    assert snapshot() == live
    assert "Rebuilt 3 members' points" in capsys.readouterr().out
