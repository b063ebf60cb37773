"""Moderator rewards: moderators only, within the per-reward cap and the weekly budget,
one audit row each, and a staff reversal that restores the balance."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.exceptions import ForbiddenError
from members.loyalty.models import Activity, BadgeAward, MemberPoints
from members.rewards import services
from members.rewards.models import ModeratorReward
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    return MemberPoints.objects.filter(member=member).values_list("balance", flat=True).first() or 0


def reward(moderator, member, points=20, **extra):
    return services.reward_member(
        moderator=moderator, member_id=member.pk, points=points, reason="Great answers", **extra
    )


def test_a_moderator_rewards_points_a_badge_and_a_thank_you(moderator, member):
    given = reward(moderator, member, points=30, badge_id=_badge("thank-you"), thank_you="Thanks!")

    assert (given.points, given.badge.slug, given.thank_you, given.reason) == (
        30,
        "thank-you",
        "Thanks!",
        "Great answers",
    )
    assert balance(member) == 30
    assert list(Activity.objects.filter(member=member).values_list("verb", "actor_id")) == [
        ("moderator_award", moderator.pk)
    ]
    assert BadgeAward.objects.filter(member=member, badge__slug="thank-you").count() == 1
    assert ModeratorReward.objects.count() == 1  # the one audit row


def _badge(slug: str) -> int:
    from members.loyalty.models import Badge

    return Badge.objects.get(slug=slug).pk


@pytest.mark.parametrize("persona", ["member", "suspended"])
def test_a_non_moderator_is_refused(request, persona):
    giver = request.getfixturevalue(persona)
    target = UserFactory()

    with pytest.raises(ForbiddenError):
        reward(giver, target)

    assert ModeratorReward.objects.count() == 0
    assert balance(target) == 0


@pytest.mark.parametrize(
    ("points", "reason", "field"),
    [(51, "Great", "points"), (0, "Great", "points"), (10, "   ", "reason")],
)
def test_a_bad_reward_is_refused_naming_the_field(moderator, member, points, reason, field):
    with pytest.raises(services.RewardError) as refused:
        services.reward_member(
            moderator=moderator, member_id=member.pk, points=points, reason=reason
        )

    assert refused.value.field == field
    assert ModeratorReward.objects.count() == 0
    assert Activity.objects.count() == 0


def test_a_moderator_cannot_reward_themself(moderator):
    with pytest.raises(services.RewardError):
        reward(moderator, moderator)

    assert ModeratorReward.objects.count() == 0


def test_an_automatic_badge_cannot_be_given(moderator, member):
    with pytest.raises(services.RewardError):
        reward(moderator, member, badge_id=_badge("helpful"))

    assert ModeratorReward.objects.count() == 0
    assert balance(member) == 0


def test_the_weekly_budget_holds(settings, moderator):
    settings.MODERATOR_WEEKLY_BUDGET = 100
    first, second, third = UserFactory.create_batch(3)
    reward(moderator, first, points=50)
    reward(moderator, second, points=40)

    with pytest.raises(services.RewardBudgetError):
        reward(moderator, third, points=20)

    assert services.budget_left(moderator_id=moderator.pk) == 10
    assert (balance(third), ModeratorReward.objects.count()) == (0, 2)


def test_a_reversal_restores_the_balance_and_the_budget(moderator, staff, member):
    given = reward(moderator, member, points=40)

    services.reverse_reward(staff=staff, reward_id=given.pk, reason="Given by mistake")

    given.refresh_from_db()
    assert balance(member) == 0
    assert (given.reversed_by, given.reversal_reason) == (staff, "Given by mistake")
    assert services.budget_left(moderator_id=moderator.pk) == 250
    assert Activity.objects.filter(member=member, reverses__isnull=False).count() == 1


def test_a_reward_is_reversed_once(moderator, staff, member):
    given = reward(moderator, member)
    services.reverse_reward(staff=staff, reward_id=given.pk, reason="Mistake")

    with pytest.raises(services.ConflictError):
        services.reverse_reward(staff=staff, reward_id=given.pk, reason="Again")

    assert Activity.objects.filter(reverses__isnull=False).count() == 1


def test_only_staff_reverse(moderator, member):
    given = reward(moderator, member)

    with pytest.raises(ForbiddenError):
        services.reverse_reward(staff=moderator, reward_id=given.pk, reason="No")

    assert balance(member) == 20


def test_the_api_rewards_for_a_moderator(api, moderator, member):
    api.force_authenticate(moderator)

    response = api.post(
        "/api/v1/rewards/",
        {"member": "member", "points": 25, "badge": "thank-you", "reason": "Spot on"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["points"], response.json()["badge"]) == (25, "thank-you")
    assert balance(member) == 25


def test_the_api_refuses_a_non_moderator(api, member):
    target = UserFactory(handle="target")
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/rewards/", {"member": "target", "points": 5, "reason": "Hi"}, format="json"
    )

    assert response.status_code == 403
    assert ModeratorReward.objects.count() == 0
    assert balance(target) == 0


def test_the_api_reversal_is_staff_only(api, moderator, staff, member):
    given = reward(moderator, member)
    api.force_authenticate(moderator)
    refused = api.post(f"/api/v1/rewards/{given.pk}/reversal/", {"reason": "x"}, format="json")
    api.force_authenticate(staff)

    response = api.post(f"/api/v1/rewards/{given.pk}/reversal/", {"reason": "x"}, format="json")

    assert (refused.status_code, response.status_code) == (403, 200)
    assert balance(member) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rewards_cannot_pass_the_budget(settings):
    settings.MODERATOR_WEEKLY_BUDGET = 100
    moderator = UserFactory(is_moderator=True)
    members = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(members))
    errors: list[Exception] = []

    def worker(target) -> None:
        try:
            barrier.wait(timeout=10)
            reward(moderator, target, points=30)
        except services.RewardBudgetError:
            pass
        except Exception as error:  # reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert ModeratorReward.objects.count() == 3
    assert sum(balance(m) for m in members) == 90
