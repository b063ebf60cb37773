"""VIP tiers: promotion at the threshold, demotion only below 90% and after a warning 14
days ahead (never within 14 days of a promotion), manual grants until their end date."""

from __future__ import annotations

from datetime import timedelta

import pytest

from members.loyalty import ledger, periods, tiers
from members.loyalty.models import MemberPoints, TierGrant, TierHistory
from members.models import Notification, User
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def ladder():
    """Contributor at 100 points, Champion at 300, VIP granted only."""
    return {
        "contributor": TierFactory(
            name="Contributor", slug="contributor", rank=1, points_threshold=100
        ),
        "champion": TierFactory(name="Champion", slug="champion", rank=2, points_threshold=300),
        "vip": TierFactory(name="VIP", slug="vip", rank=3, points_threshold=None),
    }


def award(member, points: int, key: str, *, days_ago: float = 0):
    return ledger.record(
        member_id=member.pk,
        verb="moderator_award",
        key=key,
        points=points,
        occurred_at=periods.now() - timedelta(days=days_ago),
    )


def tier_of(member) -> str | None:
    tier = User.objects.select_related("tier").get(pk=member.pk).tier
    return tier.slug if tier else None


def changes(member) -> list[tuple[str, str | None]]:
    return [
        (row.change, row.tier.slug if row.tier else None)
        for row in TierHistory.objects.filter(member=member).select_related("tier").order_by("pk")
    ]


def test_reaching_a_threshold_promotes_at_once_and_tells_the_member(ladder, member):
    award(member, 90, "a")
    below = tier_of(member)

    award(member, 10, "b")

    assert below is None
    assert tier_of(member) == "contributor"
    assert changes(member) == [("promoted", "contributor")]
    assert list(Notification.objects.filter(recipient=member).values_list("kind", "target_id")) == [
        ("tier_changed", ladder["contributor"].pk)
    ]


def test_points_between_90_and_100_percent_keep_the_tier_without_a_warning(ladder, member):
    award(member, 280, "a")
    award(member, 20, "b")

    ledger.reverse(key="b")

    assert tier_of(member) == "champion"
    assert MemberPoints.objects.get(member=member).demotion_warned_at is None
    assert changes(member) == [("promoted", "contributor"), ("promoted", "champion")]


def test_falling_below_90_percent_warns_once_and_demotes_only_14_days_later(ladder, member):
    award(member, 300, "a")
    now = periods.now()
    ledger.reverse(key="a")
    award(member, 200, "b")
    warned = [n.kind for n in Notification.objects.filter(recipient=member, kind="tier_at_risk")]

    tiers.refresh_tier(member_id=member.pk, now=now + 13 * DAY)
    before_grace_ends = tier_of(member)
    tiers.refresh_tier(member_id=member.pk, now=now + 14 * DAY + timedelta(minutes=1))

    assert warned == ["tier_at_risk"]
    assert before_grace_ends == "champion"
    assert tier_of(member) == "contributor"
    assert changes(member) == [
        ("promoted", "champion"),
        ("warned", "champion"),
        ("demoted", "contributor"),
    ]
    assert Notification.objects.filter(recipient=member, kind="tier_at_risk").count() == 1


def test_a_member_is_warned_of_points_leaving_the_window_before_they_fall_below(ladder, member):
    award(member, 200, "old", days_ago=360)
    award(member, 150, "new")

    tiers.refresh_tier(member_id=member.pk)
    at_risk_now = MemberPoints.objects.get(member=member).demotion_warned_at

    assert tier_of(member) == "champion"
    assert at_risk_now is not None
    assert Notification.objects.filter(recipient=member, kind="tier_at_risk").count() == 1


def test_climbing_back_lifts_the_warning_and_a_later_fall_warns_again(ladder, member):
    award(member, 300, "a")
    ledger.reverse(key="a")
    award(member, 200, "b")

    award(member, 100, "c")
    lifted = MemberPoints.objects.get(member=member).demotion_warned_at
    ledger.reverse(key="c")

    assert lifted is None
    assert [c for c, _ in changes(member)] == ["promoted", "warned", "warning_lifted", "warned"]
    assert Notification.objects.filter(recipient=member, kind="tier_at_risk").count() == 2


@pytest.mark.parametrize(
    ("promoted_days_ago", "warned_days_ago", "points", "expected"),
    [
        (30, 14, 260, "demoted"),  # warned 14 days ago, promoted long ago
        (10, 14, 260, ""),  # promoted 10 days ago: never within 14 days of a promotion
        (30, 13, 260, ""),  # warned only 13 days ago
        (30, 14, 270, "warning_lifted"),  # back at 90%: keeps the tier
        (30, None, 260, "warned"),  # below 90% and not warned: warn first
    ],
)
def test_the_demotion_rules(ladder, promoted_days_ago, warned_days_ago, points, expected):
    now = periods.now()

    decision = tiers.decide(
        tiers=tiers.earnable_tiers(),
        earned=ladder["champion"],
        promoted_at=now - promoted_days_ago * DAY,
        warned_at=None if warned_days_ago is None else now - warned_days_ago * DAY,
        points=points,
        points_in_grace=points,
        tenure_days=400,
        now=now,
    )

    assert decision.change == expected


def test_minimum_tenure_holds_a_promotion_back_until_the_nightly_pass_after_it(ladder):
    ladder["contributor"].minimum_tenure_days = 30
    ladder["contributor"].save()
    newcomer = UserFactory(date_joined=periods.now() - 25 * DAY)
    award(newcomer, 150, "a")
    held_back = tier_of(newcomer)

    changed = tiers.refresh_all_tiers(now=periods.now() + 6 * DAY)

    assert held_back is None
    assert changed == 1
    assert tier_of(newcomer) == "contributor"


def test_a_manual_grant_holds_until_its_end_date_then_normal_rules_apply(ladder, member, staff):
    award(member, 120, "a")
    ends = periods.now() + 30 * DAY

    grant = tiers.grant_tier(
        staff=staff, member_id=member.pk, tier_id=ladder["vip"].pk, reason="Paid", ends_at=ends
    )
    during = tier_of(member)
    tiers.refresh_all_tiers(now=ends - DAY)
    day_before_end = tier_of(member)
    tiers.refresh_all_tiers(now=ends + DAY)

    assert (during, day_before_end) == ("vip", "vip")
    assert tier_of(member) == "contributor"
    grant.refresh_from_db()
    assert grant.ended_at == ends + DAY
    assert changes(member) == [
        ("promoted", "contributor"),
        ("granted", "vip"),
        ("grant_ended", "contributor"),
    ]
    assert Notification.objects.filter(recipient=member, kind="tier_changed").count() == 2


def test_a_grant_below_the_earned_tier_changes_nothing_visible(ladder, member, staff):
    award(member, 320, "a")

    tiers.grant_tier(
        staff=staff,
        member_id=member.pk,
        tier_id=ladder["contributor"].pk,
        reason="Honorary",
        ends_at=None,
    )

    assert tier_of(member) == "champion"


def test_revoking_a_grant_returns_the_member_to_their_earned_tier(ladder, member, staff):
    grant = tiers.grant_tier(
        staff=staff, member_id=member.pk, tier_id=ladder["vip"].pk, reason="Paid", ends_at=None
    )

    tiers.revoke_tier_grant(staff=staff, grant_id=grant.pk)

    assert tier_of(member) is None


def test_only_staff_grant_tiers(ladder, member):
    other = UserFactory()

    with pytest.raises(tiers.ForbiddenError):
        tiers.grant_tier(
            staff=member, member_id=other.pk, tier_id=ladder["vip"].pk, reason="x", ends_at=None
        )

    assert TierGrant.objects.count() == 0
    assert tier_of(other) is None


@pytest.mark.parametrize(
    ("reason", "ends_in_days", "field"), [(" ", 5, "reason"), ("Paid", -1, "ends_at")]
)
def test_bad_grants_are_refused_and_write_nothing(
    ladder, member, staff, reason, ends_in_days, field
):
    with pytest.raises(tiers.TierGrantError) as refused:
        tiers.grant_tier(
            staff=staff,
            member_id=member.pk,
            tier_id=ladder["vip"].pk,
            reason=reason,
            ends_at=periods.now() + ends_in_days * DAY,
        )

    assert refused.value.field == field
    assert TierGrant.objects.count() == 0
    assert tier_of(member) is None


def test_a_tier_set_by_hand_is_kept_when_the_member_earns_points(ladder, vip):
    award(vip, 150, "a")

    assert tier_of(vip) == "blaze"
    assert MemberPoints.objects.get(member=vip).earned_tier_id == ladder["contributor"].pk


def test_the_nightly_pass_changes_only_members_whose_state_changes(ladder):
    steady, slipping = UserFactory(), UserFactory()
    award(steady, 150, "s")
    award(slipping, 150, "p", days_ago=300)

    changed = tiers.refresh_all_tiers(now=periods.now() + 70 * DAY)
    again = tiers.refresh_all_tiers(now=periods.now() + 70 * DAY)

    assert (changed, again) == (1, 0)
    assert [c for c, _ in changes(slipping)] == ["promoted", "warned"]
    assert [c for c, _ in changes(steady)] == ["promoted"]
