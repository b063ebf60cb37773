"""Badges: earned when the triggering activity is recorded, checked nightly, granted by
moderators with a reason; every new holder is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.exceptions import ForbiddenError
from members.loyalty import badges, ledger, periods
from members.loyalty.models import Badge, BadgeAward
from members.models import Notification
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def held(member) -> set[str]:
    return set(BadgeAward.objects.filter(member=member).values_list("badge__slug", flat=True))


def test_first_post_badge_is_awarded_when_the_post_is_recorded_and_the_member_is_told(member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="p1")

    assert held(member) == {"first-post"}
    notification = Notification.objects.get(recipient=member)
    assert (notification.kind, notification.target_type) == ("badge_awarded", "badge")
    assert notification.target_id == Badge.objects.get(slug="first-post").pk
    assert Badge.objects.get(slug="first-post").award_count == 1


def test_a_badge_is_held_once_however_often_its_rule_fires(member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="p1")
    ledger.record(member_id=member.pk, verb="reply_posted", key="p2")

    assert BadgeAward.objects.filter(member=member, badge__slug="first-post").count() == 1
    assert Notification.objects.filter(recipient=member, kind="badge_awarded").count() == 1


def test_helpful_comes_with_the_twenty_fifth_like_even_past_the_points_cap(member):
    givers = UserFactory.create_batch(25)
    for n, giver in enumerate(givers[:24]):
        ledger.record(member_id=member.pk, verb="like_received", key=f"l{n}", actor_id=giver.pk)
    before = held(member)

    ledger.record(member_id=member.pk, verb="like_received", key="l24", actor_id=givers[24].pk)

    assert "helpful" not in before
    assert "helpful" in held(member)


def test_accepted_answers_earn_first_answer_then_trusted_answerer(member):
    askers = UserFactory.create_batch(10)
    for n, asker in enumerate(askers):
        ledger.record(member_id=member.pk, verb="answer_accepted", key=f"a{n}", actor_id=asker.pk)

    assert held(member) == {"first-answer", "trusted-answerer"}


def test_a_reversed_activity_does_not_take_a_badge_away(member):
    row = ledger.record(member_id=member.pk, verb="reply_posted", key="p1")

    ledger.reverse(key=row.key)

    assert held(member) == {"first-post"}


def test_the_nightly_check_awards_time_earned_badges_once():
    veteran = UserFactory(date_joined=periods.now() - timedelta(days=400))
    newcomer = UserFactory(date_joined=periods.now() - timedelta(days=10))

    first = badges.award_due_badges()
    second = badges.award_due_badges()

    assert (first, second) == (1, 0)
    assert held(veteran) == {"one-year"}
    assert held(newcomer) == set()
    assert Notification.objects.filter(recipient=veteran, kind="badge_awarded").count() == 1


def test_the_nightly_check_catches_a_counter_badge_missed_at_record_time(member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="p1")
    BadgeAward.objects.filter(member=member).delete()

    made = badges.award_due_badges()

    assert made == 1
    assert held(member) == {"first-post"}


def test_a_moderator_grants_a_manual_badge_to_several_members_with_a_reason(moderator):
    helpers = UserFactory.create_batch(3)
    hero = Badge.objects.get(slug="community-hero")
    badges.grant_badge(
        moderator=moderator, badge_id=hero.pk, member_ids=[helpers[0].pk], reason="Early"
    )

    result = badges.grant_badge(
        moderator=moderator,
        badge_id=hero.pk,
        member_ids=[helper.pk for helper in helpers],
        reason="  Ran the   spring meetup ",
    )

    assert result.granted == sorted([helpers[1].pk, helpers[2].pk])
    assert result.already_held == [helpers[0].pk]
    award = BadgeAward.objects.get(member=helpers[1], badge=hero)
    assert (award.reason, award.granted_by_id) == ("Ran the spring meetup", moderator.pk)
    assert Notification.objects.filter(kind="badge_awarded", target_id=hero.pk).count() == 3
    hero.refresh_from_db()
    assert hero.award_count == 3


def test_a_member_cannot_grant_badges(member):
    other = UserFactory()

    with pytest.raises(ForbiddenError):
        badges.grant_badge(
            moderator=member,
            badge_id=Badge.objects.get(slug="thank-you").pk,
            member_ids=[other.pk],
            reason="Because",
        )

    assert BadgeAward.objects.count() == 0


@pytest.mark.parametrize(
    ("slug", "count", "reason", "field"),
    [
        ("first-post", 1, "Because", "badge"),
        ("thank-you", 1, "   ", "reason"),
        ("thank-you", 0, "Because", "members"),
        ("thank-you", 51, "Because", "members"),
    ],
)
def test_bad_grants_are_refused_naming_the_field_and_write_nothing(
    moderator, slug, count, reason, field
):
    members = UserFactory.create_batch(count)

    with pytest.raises(badges.BadgeGrantError) as refused:
        badges.grant_badge(
            moderator=moderator,
            badge_id=Badge.objects.get(slug=slug).pk,
            member_ids=[m.pk for m in members],
            reason=reason,
        )

    assert refused.value.field == field
    assert BadgeAward.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_grant_to_an_unknown_member_is_refused_and_writes_nothing(moderator, member):
    with pytest.raises(badges.BadgeGrantError):
        badges.grant_badge(
            moderator=moderator,
            badge_id=Badge.objects.get(slug="thank-you").pk,
            member_ids=[member.pk, 987654],
            reason="Because",
        )

    assert BadgeAward.objects.count() == 0
