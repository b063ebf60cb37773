"""Moderator roles: staff appoint forum-wide and category moderators; a category moderator's
powers stop at their categories; every appointment is audited."""

import pytest
from django.urls import reverse

from community import policies
from community.exceptions import NotAllowedError
from community.models import CategoryModerator, ModerationAction, Thread
from community.services import posting, roles
from members.models import User
from tests.community.factories import CategoryFactory, CategoryModeratorFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_appoints_a_forum_wide_moderator_once_with_one_audit_row(staff, member):
    first = roles.appoint_moderator(actor=staff, member_id=member.pk)
    second = roles.appoint_moderator(actor=staff, member_id=member.pk)

    assert (first, second) == (True, False)
    assert User.objects.get(pk=member.pk).is_moderator is True
    assert list(ModerationAction.objects.values_list("action", "actor", "member", "target")) == [
        ("appoint_moderator", staff.pk, member.pk, "@member, forum-wide")
    ]


def test_staff_appoints_and_removes_a_category_moderator(staff, member):
    lounge = CategoryFactory(name="Lounge")

    roles.appoint_moderator(actor=staff, member_id=member.pk, category_id=lounge.pk)
    assert User.objects.get(pk=member.pk).moderates_categories is True
    roles.remove_moderator(actor=staff, member_id=member.pk, category_id=lounge.pk)

    assert CategoryModerator.objects.count() == 0
    assert User.objects.get(pk=member.pk).moderates_categories is False
    assert list(ModerationAction.objects.order_by("id").values_list("action", "category")) == [
        ("appoint_moderator", lounge.pk),
        ("remove_moderator", lounge.pk),
    ]


@pytest.mark.parametrize("persona", ["member", "moderator"])
def test_only_staff_appoint_moderators(request, persona):
    actor = request.getfixturevalue(persona)
    other = UserFactory()

    with pytest.raises(NotAllowedError):
        roles.appoint_moderator(actor=actor, member_id=other.pk)

    assert User.objects.get(pk=other.pk).is_moderator is False
    assert ModerationAction.objects.count() == 0


def test_category_moderator_locks_in_their_category_and_not_elsewhere(category_moderator):
    theirs, other = CategoryFactory(), CategoryFactory()
    CategoryModeratorFactory(member=category_moderator, category=theirs)
    own_thread, other_thread = ThreadFactory(category=theirs), ThreadFactory(category=other)

    posting.set_thread_state(
        moderator=category_moderator, thread_id=own_thread.pk, is_locked=True, reason="Heated."
    )
    with pytest.raises(NotAllowedError):
        posting.set_thread_state(
            moderator=category_moderator, thread_id=other_thread.pk, is_locked=True
        )

    assert list(Thread.objects.order_by("id").values_list("is_locked", flat=True)) == [True, False]
    assert list(ModerationAction.objects.values_list("action", "thread", "reason", "before")) == [
        ("lock", own_thread.pk, "Heated.", {"is_locked": False})
    ]


def test_category_moderator_cannot_pin_on_latest(category_moderator):
    theirs = CategoryFactory()
    CategoryModeratorFactory(member=category_moderator, category=theirs)
    thread = ThreadFactory(category=theirs)

    with pytest.raises(NotAllowedError):
        posting.set_thread_state(
            moderator=category_moderator, thread_id=thread.pk, is_pinned_globally=True
        )

    assert Thread.objects.get(pk=thread.pk).is_pinned_globally is False
    assert ModerationAction.objects.count() == 0


def test_moderated_categories_load_once_per_request_and_never_for_others(
    category_moderator, member, django_assert_num_queries
):
    theirs, other = CategoryFactory(), CategoryFactory()
    CategoryModeratorFactory(member=category_moderator, category=theirs)
    viewer = User.objects.get(pk=category_moderator.pk)

    with django_assert_num_queries(1):
        answers = [policies.can_moderate(viewer, c) for c in (theirs, other, theirs, other)]
    with django_assert_num_queries(0):
        plain = [policies.can_moderate(member, c) for c in (theirs, other)]

    assert answers == [True, False, True, False]
    assert plain == [False, False]


def test_forum_wide_moderator_moderates_every_category(moderator):
    assert policies.can_moderate(moderator, CategoryFactory()) is True


def test_staff_page_appoints_a_category_moderator(client, staff, member):
    lounge = CategoryFactory(name="Lounge")
    client.force_login(staff)

    response = client.post(
        reverse("moderation:moderators"), {"handle": "@member", "scope": str(lounge.pk)}
    )

    assert response.status_code == 302
    assert list(CategoryModerator.objects.values_list("member", "category")) == [
        (member.pk, lounge.pk)
    ]


def test_staff_page_keeps_the_handle_when_no_member_has_it(client, staff):
    client.force_login(staff)

    response = client.post(reverse("moderation:moderators"), {"handle": "nobody", "scope": ""})

    assert response.status_code == 400
    assert "No active member has that handle." in response.content.decode()
    assert 'value="nobody"' in response.content.decode()
    assert ModerationAction.objects.count() == 0


def test_staff_page_removes_a_forum_wide_moderator(client, staff, moderator):
    client.force_login(staff)

    response = client.post(reverse("moderation:moderator-remove", args=[moderator.pk]))

    assert response.status_code == 302
    assert User.objects.get(pk=moderator.pk).is_moderator is False
    assert ModerationAction.objects.get().action == "remove_moderator"


@pytest.mark.parametrize(("persona", "status"), [("member", 404), ("moderator", 404)])
def test_moderators_page_does_not_exist_for_non_staff(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("moderation:moderators"))

    assert response.status_code == status


def test_moderators_page_sends_a_visitor_to_sign_in(client):
    response = client.get(reverse("moderation:moderators"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
