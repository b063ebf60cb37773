"""Query budgets: member pages cost the same however many members there are."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Topic
from members.models import MemberGoal
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def grow_community(size: int) -> None:
    tier = TierFactory()
    topics = list(Topic.objects.all()[:3])
    members = UserFactory.create_batch(size, tier=tier)
    for member in members:
        member.topics.set(topics)
    MemberGoal.objects.bulk_create(
        [MemberGoal(member=m, goal=g) for m in members for g in ("blog", "video")]
    )


def count_queries(django_assert_max_num_queries, fetch):
    cache.clear()  # measure the cold cost: the bell's count is not cached yet
    with django_assert_max_num_queries(100) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_directory_query_count_does_not_grow_from_10_to_200_members(
    client, django_assert_max_num_queries, signed_in
):
    viewer = UserFactory()
    if signed_in:
        client.force_login(viewer)
    grow_community(10)
    fetch = lambda: client.get(reverse("members:directory"), {"topic": "python"})  # noqa: E731
    small = count_queries(django_assert_max_num_queries, fetch)

    grow_community(190)
    large = count_queries(django_assert_max_num_queries, fetch)

    assert small == large
    assert (
        large <= 11
    )  # session, user, count, page, topics, goals, filter topics, tiers, bell, banner


def test_profile_page_query_count_is_fixed(client, django_assert_max_num_queries):
    grow_community(10)
    member = UserFactory(handle="subject")
    member.topics.set(Topic.objects.all()[:8])
    fetch = lambda: client.get(reverse("members:profile", args=["subject"]))  # noqa: E731
    small = count_queries(django_assert_max_num_queries, fetch)

    grow_community(190)
    member.topics.set(Topic.objects.all())
    large = count_queries(django_assert_max_num_queries, fetch)

    assert small == large
    assert large <= 5


def test_api_member_list_query_count_is_fixed(django_assert_max_num_queries):
    api = APIClient()
    grow_community(10)
    small = count_queries(django_assert_max_num_queries, lambda: api.get("/api/v1/members/"))

    grow_community(190)
    large = count_queries(django_assert_max_num_queries, lambda: api.get("/api/v1/members/"))

    assert small == large
    assert large <= 4
