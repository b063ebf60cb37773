"""The nightly tier pass in set-based chunks: the same outcome as the per-member path, and a
fixed number of queries per chunk whatever the number of members in it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction

from members.loyalty import periods, tier_batches, tiers
from members.loyalty.models import Activity, MemberPoints, TierGrant, TierHistory
from members.models import Notification, Tier, User
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def ladder():
    """Contributor at 100 points (after 30 days of membership), Champion at 300, VIP
    granted only."""
    return {
        "contributor": TierFactory(
            name="Contributor",
            slug="contributor",
            rank=1,
            points_threshold=100,
            minimum_tenure_days=30,
        ),
        "champion": TierFactory(name="Champion", slug="champion", rank=2, points_threshold=300),
        "vip": TierFactory(name="VIP", slug="vip", rank=3, points_threshold=None),
    }


def someone(
    ladder,
    *,
    points: int = 0,
    leaving: int = 0,
    earned: str | None = None,
    tier: str | None = None,
    promoted_days_ago: int | None = None,
    warned_days_ago: int | None = None,
    joined_days_ago: int = 400,
    has_state: bool = True,
    is_active: bool = True,
    grant: str | None = None,
) -> User:
    """A member in a given tier state, written directly (not through the ledger, which would
    apply the rules at once). `leaving` of the `points` leave the 12-month window within
    14 days."""
    now = periods.now()
    member = UserFactory(
        date_joined=now - joined_days_ago * DAY,
        tier=ladder[tier] if tier else None,
        is_active=is_active,
    )
    for n, (amount, days_ago) in enumerate(((points - leaving, 20), (leaving, 360))):
        if amount:
            Activity.objects.create(
                member=member,
                verb="moderator_award",
                points=amount,
                rule_points=amount,
                credited_at=now - days_ago * DAY,
                occurred_at=now - days_ago * DAY,
                key=f"setup:{member.pk}:{n}",
            )
    if has_state:
        MemberPoints.objects.create(
            member=member,
            balance=points,
            earned_tier=ladder[earned] if earned else None,
            promoted_at=None if promoted_days_ago is None else now - promoted_days_ago * DAY,
            demotion_warned_at=None if warned_days_ago is None else now - warned_days_ago * DAY,
        )
    if grant:
        TierGrant.objects.create(
            member=member, tier=ladder[grant], reason="Paid", starts_at=now - DAY
        )
    return member


@pytest.fixture
def population(ladder):
    """Members in every situation the rules distinguish."""
    return [
        someone(ladder),  # nothing at all
        someone(ladder, points=50),  # below every threshold
        someone(ladder, points=150, has_state=False),  # promoted, no summary row yet
        someone(ladder, points=350, earned="contributor", tier="contributor"),  # promoted
        someone(ladder, points=150, joined_days_ago=10),  # held back by the minimum tenure
        someone(ladder, points=280, earned="champion", tier="champion"),  # above 90%
        someone(ladder, points=280, leaving=50, earned="champion", tier="champion"),  # warned
        someone(  # demoted: warned 15 days ago, promoted long ago
            ladder,
            points=200,
            earned="champion",
            tier="champion",
            promoted_days_ago=60,
            warned_days_ago=15,
        ),
        someone(  # kept: promoted only 10 days ago
            ladder,
            points=200,
            earned="champion",
            tier="champion",
            promoted_days_ago=10,
            warned_days_ago=15,
        ),
        someone(  # warning lifted: back above 90%
            ladder, points=290, earned="champion", tier="champion", warned_days_ago=3
        ),
        someone(  # demoted to no tier at all
            ladder,
            points=50,
            earned="champion",
            tier="champion",
            promoted_days_ago=100,
            warned_days_ago=20,
        ),
        someone(  # promoted, but a hand-set granted-only tier is kept
            ladder, points=350, earned="contributor", tier="vip"
        ),
        someone(ladder, points=150, has_state=False, tier="vip", grant="vip"),  # grant holds
        someone(  # warned; a threshold tier set by hand follows the rules down
            ladder, points=50, earned="contributor", tier="champion"
        ),
        someone(ladder, points=350, grant="champion", tier="champion"),  # earned = granted
        someone(ladder, points=120, earned="vip", tier="vip"),  # earned a granted-only tier
        someone(ladder, points=500, is_active=False),  # deactivated: never touched
    ]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every tier outcome, with history row ids replaced by their place in the history (the
    ids differ between two runs; what they point at must not)."""
    history = list(TierHistory.objects.order_by("member_id", "pk"))
    place = {row.pk: n for n, row in enumerate(history)}

    def key(text: str) -> str:
        return re.sub(r"\d+$", lambda found: str(place[int(found.group())]), text)

    return {
        "states": list(
            MemberPoints.objects.order_by("member_id").values_list(
                "member_id", "earned_tier_id", "tier_since", "promoted_at", "demotion_warned_at"
            )
        ),
        "tiers": list(User.objects.order_by("pk").values_list("pk", "tier_id")),
        "history": [
            (
                row.member_id,
                row.tier_id,
                row.previous_tier_id,
                row.change,
                row.is_earned,
                row.points,
                row.reason,
                row.changed_at,
            )
            for row in history
        ],
        "notifications": sorted(
            (n.recipient_id, n.kind, n.target_type, n.target_id, key(n.key), n.excerpt)
            for n in Notification.objects.all()
        ),
    }


def refresh_one_by_one(now) -> int:
    """The per-member path: refresh_tier, under each member's lock, for every active member
    whose earned tier or warning the rules change."""
    ladder = tiers.earnable_tiers()
    changed = 0
    for member in User.objects.filter(is_active=True).order_by("pk"):
        points, leaving = tiers.year_points(member_id=member.pk, at=now)
        state = MemberPoints.objects.filter(member=member).first()
        decision = tiers.decide(
            tiers=ladder,
            earned=state.earned_tier if state else None,
            promoted_at=state.promoted_at if state else None,
            warned_at=state.demotion_warned_at if state else None,
            points=points,
            points_in_grace=points - leaving,
            tenure_days=(now - member.date_joined).days,
            now=now,
        )
        if decision.change:
            with transaction.atomic():
                tiers.refresh_tier(member_id=member.pk, now=now)
            changed += 1
    return changed


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_the_chunked_pass_gives_what_the_per_member_path_gives(population, chunk):
    now = periods.now()
    with transaction.atomic():
        expected_changed = refresh_one_by_one(now)
        expected = snapshot()
        transaction.set_rollback(True)
    before = snapshot()

    changed = tiers.refresh_all_tiers(now=now, chunk=chunk)

    assert before["history"] == []
    assert (changed, expected_changed) == (11, 11)
    assert snapshot() == expected


def test_the_population_covers_every_kind_of_change(population):
    now = periods.now()

    tiers.refresh_all_tiers(now=now)

    assert sorted(TierHistory.objects.values_list("change", "is_earned")) == sorted(
        [
            ("promoted", True),  # no summary row yet
            ("promoted", True),  # contributor to champion
            ("warned", True),  # points leaving the window
            ("demoted", True),  # to contributor
            ("warning_lifted", True),
            ("demoted", True),  # to no tier
            ("promoted", True),  # below a hand-set VIP
            ("promoted", True),  # below a VIP grant
            ("warned", True),  # a hand-set champion ...
            ("demoted", False),  # ... follows the rules down to contributor
            ("promoted", True),  # to the tier a grant gave already
            ("demoted", True),  # earned a granted-only tier
        ]
    )
    assert Notification.objects.filter(kind="tier_changed").count() == 5
    assert Notification.objects.filter(kind="tier_at_risk").count() == 2


def test_a_second_pass_changes_nothing(population):
    now = periods.now()
    tiers.refresh_all_tiers(now=now)
    history = TierHistory.objects.count()

    again = tiers.refresh_all_tiers(now=now)

    assert again == 0
    assert TierHistory.objects.count() == history


@pytest.mark.parametrize("members", [3, 30])
def test_a_chunk_costs_the_same_queries_whatever_its_number_of_members(
    ladder, django_assert_num_queries, members
):
    promoted = [someone(ladder, points=150) for _ in range(members)]
    warned = [
        someone(ladder, points=280, leaving=50, earned="champion", tier="champion")
        for _ in range(members)
    ]
    ids = sorted(member.pk for member in promoted + warned)
    tier_by_id = {tier.pk: tier for tier in Tier.objects.all()}
    earnable = tiers.earnable_tiers()

    # a read without locks (states, points, members), then for those who change:
    # savepoint, lock, points, members, grants, 2 state updates (promoted, warned), history,
    # 1 tier update, 5 + 5 notification queries (promotions, warnings), release
    with django_assert_num_queries(23):
        changed = tier_batches.refresh_chunk(
            member_ids=ids, ladder=earnable, tier_by_id=tier_by_id, now=periods.now()
        )

    assert changed == 2 * members
    assert User.objects.filter(tier=ladder["contributor"]).count() == members
    assert MemberPoints.objects.filter(demotion_warned_at__isnull=False).count() == members


def test_a_chunk_where_nobody_changes_is_read_without_locks(ladder, django_assert_num_queries):
    steady = [
        someone(ladder, points=150, earned="contributor", tier="contributor") for _ in range(5)
    ]
    tier_by_id = {tier.pk: tier for tier in Tier.objects.all()}
    earnable = tiers.earnable_tiers()

    with django_assert_num_queries(3):  # states, points, members: no lock, no write
        changed = tier_batches.refresh_chunk(
            member_ids=[member.pk for member in steady],
            ladder=earnable,
            tier_by_id=tier_by_id,
            now=periods.now(),
        )

    assert changed == 0
    assert TierHistory.objects.count() == 0
