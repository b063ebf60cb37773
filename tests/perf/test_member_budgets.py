"""Query budgets: member pages run the same exact number of queries however many members
there are."""

import pytest
from django.core.cache import cache
from django.urls import reverse

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


def fetch(django_assert_num_queries, queries, get):
    cache.clear()  # the cold cost: nothing cached
    with django_assert_num_queries(queries):
        response = get()
    assert response.status_code == 200
    return response


# the count, topics and tiers for the filters, the page of members, their topics, their
# goals; a member adds session, user, and the header's unread count and email banner
@pytest.mark.parametrize(
    ("signed_in", "queries"), [(False, 6), (True, 10)], ids=["visitor", "member"]
)
def test_directory_query_count_does_not_grow_from_10_to_200_members(
    request, client, django_assert_num_queries, signed_in, queries
):
    if signed_in:
        client.force_login(request.getfixturevalue("member"))
    grow_community(10)
    fetch(
        django_assert_num_queries,
        queries,
        lambda: client.get(reverse("members:directory"), {"topic": "python"}),
    )

    grow_community(190)

    response = fetch(
        django_assert_num_queries,
        queries,
        lambda: client.get(reverse("members:directory"), {"topic": "python"}),
    )
    assert response.context["screen"].page.paginator.count == 200


def test_profile_page_query_count_is_fixed(client, django_assert_num_queries):
    grow_community(10)
    member = UserFactory(handle="subject")
    member.topics.set(Topic.objects.all()[:8])
    # the member, their topics, their goals, their badges, their recent threads, their
    # recent replies
    queries = 6
    fetch(
        django_assert_num_queries,
        queries,
        lambda: client.get(reverse("members:profile", args=["subject"])),
    )

    grow_community(190)
    member.topics.set(Topic.objects.all())

    fetch(
        django_assert_num_queries,
        queries,
        lambda: client.get(reverse("members:profile", args=["subject"])),
    )


def test_api_member_list_query_count_is_fixed(api, django_assert_num_queries):
    grow_community(10)
    queries = 4  # the count, the page of members, their topics, their goals
    fetch(django_assert_num_queries, queries, lambda: api.get("/api/v1/members/"))

    grow_community(190)

    response = fetch(django_assert_num_queries, queries, lambda: api.get("/api/v1/members/"))
    assert response.json()["count"] == 200


# a signed-in member's profile view costs 10 (the page's six, session, user, the header's
# unread count and email banner); the Reward control adds, for a forum-wide moderator, the
# manual badges its form offers (no scope query: they reward anyone); for a category
# moderator, the categories they moderate and one EXISTS (has the member a visible post
# there?), plus the badges when the control shows. Never a query per post of the member.
@pytest.mark.parametrize(
    ("viewer", "posts", "queries", "can_reward"),
    [
        ("member", 1, 10, False),
        ("moderator", 1, 11, True),
        ("category_moderator", 1, 13, True),
        ("category_moderator", 30, 13, True),
        ("category_moderator_elsewhere", 1, 12, False),
    ],
)
def test_the_profiles_reward_check_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, viewer, posts, queries, can_reward
):
    from community.services import posting
    from tests.community.factories import CategoryFactory, CategoryModeratorFactory
    from tests.community.steps import start_thread

    room, other = CategoryFactory(slug="room"), CategoryFactory(slug="other")
    subject = UserFactory(handle="subject")
    thread = start_thread(subject, other if viewer.endswith("elsewhere") else room, title="Hi all")
    for n in range(posts - 1):
        posting.reply(author=subject, thread_id=thread.pk, body=f"More {n}")
    looking = UserFactory(is_moderator=viewer == "moderator")
    if viewer.startswith("category_moderator"):
        CategoryModeratorFactory(member=looking, category=room)
    client.force_login(looking)

    response = fetch(
        django_assert_num_queries,
        queries,
        lambda: client.get(reverse("members:profile", args=["subject"])),
    )

    assert response.context["screen"].can_reward is can_reward
