"""The nightly loyalty task, and loyalty in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from config.celery import app
from members.loyalty import ledger, periods
from members.loyalty.models import BadgeAward, TierGrant
from members.models import User
from members.tasks import refresh_loyalty_task
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_nightly_task_is_scheduled_and_running_it_twice_changes_nothing_more():
    TierFactory(slug="contributor", rank=1, points_threshold=10)
    veteran = UserFactory(date_joined=periods.now() - timedelta(days=400))
    ledger.record(
        member_id=veteran.pk,
        verb="moderator_award",
        key="old",
        points=20,
        occurred_at=periods.now() - timedelta(days=358),
    )
    BadgeAward.objects.filter(member=veteran).delete()  # as if earned before badges existed

    first = refresh_loyalty_task.delay().get()
    second = refresh_loyalty_task.delay().get()

    assert app.conf.beat_schedule["refresh-loyalty"]["task"] == (
        "members.tasks.refresh_loyalty_task"
    )
    assert first == (1, 1)  # warned (points leave the window within 14 days); one-year badge
    assert second == (0, 0)


def test_staff_grant_a_tier_in_the_admin_through_the_service(client):
    admin_user = UserFactory(staff=True, is_superuser=True)
    vip = TierFactory(slug="vip", rank=3)
    member = UserFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:members_tiergrant_add"),
        {"member": member.pk, "tier": vip.pk, "reason": "Paid", "ends_at_0": "", "ends_at_1": ""},
    )

    assert response.status_code == 302
    grant = TierGrant.objects.get()
    assert (grant.granted_by_id, grant.reason) == (admin_user.pk, "Paid")
    assert User.objects.get(pk=member.pk).tier_id == vip.pk


def test_an_admin_grant_ending_in_the_past_is_refused_and_writes_nothing(client):
    admin_user = UserFactory(staff=True, is_superuser=True)
    vip = TierFactory(slug="vip", rank=3)
    member = UserFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:members_tiergrant_add"),
        {
            "member": member.pk,
            "tier": vip.pk,
            "reason": "Paid",
            "ends_at_0": "2020-01-01",
            "ends_at_1": "10:00",
        },
    )

    assert response.status_code == 200
    assert "Choose an end date in the future." in response.text
    assert TierGrant.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "members_activity",
        "members_pointrule",
        "members_badge",
        "members_badgeaward",
        "members_memberpoints",
        "members_tierhistory",
        "members_tiergrant",
        "members_tier",
    ],
)
def test_loyalty_admin_lists_open(client, member, name):
    ledger.record(member_id=member.pk, verb="reply_posted", key="r")
    client.force_login(UserFactory(staff=True, is_superuser=True))

    response = client.get(reverse(f"admin:{name}_changelist"))

    assert response.status_code == 200


def test_the_ledger_cannot_be_changed_in_the_admin(client, member):
    row = ledger.record(member_id=member.pk, verb="reply_posted", key="r")
    client.force_login(UserFactory(staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:members_activity_change", args=[row.pk]), {"points": 1000}
    )

    assert response.status_code == 403
    assert row.__class__.objects.get(pk=row.pk).points == 2
