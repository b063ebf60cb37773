"""The factories' traits and the personas make the states they are named for."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from community.models import Category, Thread
from community.policies import can_post, can_view_category
from members.policies import is_moderator
from tests.community.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.members.factories import TOP_TIER_RANK, TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_users_are_verified_unless_unverified():
    verified, unverified = UserFactory(), UserFactory(unverified=True)

    assert EmailAddress.objects.get(user=verified).verified is True
    assert EmailAddress.objects.get(user=unverified).verified is False
    assert (can_post(verified), can_post(unverified)) == (True, False)


def test_user_traits_set_staff_tier_and_suspension():
    staff, vip, inactive = (
        UserFactory(staff=True),
        UserFactory(vip=True),
        UserFactory(inactive=True),
    )

    assert (staff.is_staff, vip.is_staff) == (True, False)
    assert (vip.tier.slug, vip.tier.rank) == ("blaze", TOP_TIER_RANK)
    assert inactive.is_active is False


def test_two_vips_share_the_one_top_tier():
    first, second = UserFactory(vip=True), UserFactory(vip=True)

    assert first.tier_id == second.tier_id


def test_personas_are_who_the_conventions_name(visitor, member, vip, moderator, staff, suspended):
    tier_room = CategoryFactory(tier_only=True, minimum_tier=TierFactory(rank=5))

    assert isinstance(visitor, AnonymousUser)
    assert [can_post(p) for p in (visitor, member, vip, moderator, staff, suspended)] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]
    assert [can_view_category(p, tier_room) for p in (visitor, member, vip, moderator)] == [
        False,
        False,
        True,
        True,
    ]
    assert [is_moderator(p) for p in (member, vip, moderator, suspended)] == [
        False,
        False,
        True,
        False,
    ]


def test_category_traits_set_the_access():
    members_only, tier_only = CategoryFactory(members_only=True), CategoryFactory(tier_only=True)

    assert members_only.access == Category.Access.MEMBERS
    assert (tier_only.access, tier_only.minimum_tier is not None) == (Category.Access.TIER, True)


def test_thread_traits_set_the_state():
    question = ThreadFactory(question=True)
    flagged = ThreadFactory(locked=True, pinned=True, pinned_globally=True)

    assert (question.kind, question.posts.count()) == (Thread.Kind.QUESTION, 1)
    assert (flagged.is_locked, flagged.is_pinned, flagged.is_pinned_globally) == (True, True, True)


def test_a_solved_thread_has_reply_two_as_its_accepted_answer():
    thread = ThreadFactory(solved=True)

    stored = Thread.objects.get(pk=thread.pk)
    assert (stored.kind, stored.post_count) == (Thread.Kind.QUESTION, 2)
    assert stored.solution.number == 2


def test_post_traits_set_deleted_and_edited():
    deleted, edited = PostFactory(deleted=True), PostFactory(edited=True)

    assert (deleted.is_deleted, deleted.deleted_at is not None) == (True, True)
    assert (edited.edit_count, edited.edited_at is not None) == (1, True)
