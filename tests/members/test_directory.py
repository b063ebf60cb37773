"""The member directory: search and filters that combine, sorted by recent activity."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from members.models import MemberGoal
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def make(handle, *, skill="", topics=(), goals=(), tier=None, hours_ago=1, **kwargs):
    member = UserFactory(
        handle=handle,
        skill_level=skill,
        tier=tier,
        last_active_at=timezone.now() - timedelta(hours=hours_ago),
        **kwargs,
    )
    member.topics.set(Topic.objects.filter(slug__in=topics))
    MemberGoal.objects.bulk_create([MemberGoal(member=member, goal=g) for g in goals])
    return member


@pytest.fixture
def community():
    vip = TierFactory(slug="blaze", name="Blaze")
    make(
        "py_video_expert",
        skill="expert",
        topics=["python", "video"],
        goals=["video"],
        tier=vip,
        hours_ago=5,
    )
    make("py_blog_expert", skill="expert", topics=["python"], goals=["blog"], hours_ago=1)
    make("py_video_beginner", skill="beginner", topics=["python"], goals=["video"], hours_ago=3)
    make("go_video_expert", skill="expert", topics=["go"], goals=["video"], hours_ago=2)
    make(
        "dormant",
        skill="expert",
        topics=["python"],
        goals=["video"],
        hours_ago=24 * 90,
        display_name="Sleepy Py",
    )


def handles(response):
    return [m.handle for m in response.context["screen"].page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "python", "skill": "expert", "goal": "video"}, ["py_video_expert", "dormant"]),
        ({"topic": "python", "goal": "video"}, ["py_video_beginner", "py_video_expert", "dormant"]),
        ({"skill": "expert", "goal": "video"}, ["go_video_expert", "py_video_expert", "dormant"]),
        ({"tier": "blaze"}, ["py_video_expert"]),
        ({"q": "blog"}, ["py_blog_expert"]),
        ({"q": "@PY_VIDEO", "skill": "beginner"}, ["py_video_beginner"]),
        ({"q": "sleepy"}, ["dormant"]),
        ({"topic": "go", "skill": "beginner"}, []),
    ],
)
def test_directory_filters_combine(client, community, query, expected):
    response = client.get(reverse("members:directory"), query)

    assert response.status_code == 200
    assert handles(response) == expected


def test_directory_lists_the_most_recently_active_first(client, community):
    response = client.get(reverse("members:directory"))

    assert handles(response) == [
        "py_blog_expert",
        "go_video_expert",
        "py_video_beginner",
        "py_video_expert",
        "dormant",
    ]


def test_api_directory_applies_the_same_filters(api, community):
    response = api.get(
        "/api/v1/members/", {"topic": "python", "goal": "video", "skill_level": "expert"}
    )

    assert response.status_code == 200
    assert [m["handle"] for m in response.json()["results"]] == ["py_video_expert", "dormant"]


def test_unknown_filter_values_are_ignored_not_errors(client, community):
    response = client.get(reverse("members:directory"), {"skill": "wizard", "goal": "fame"})

    assert response.status_code == 200
    assert handles(response) == [
        "py_blog_expert",
        "go_video_expert",
        "py_video_beginner",
        "py_video_expert",
        "dormant",
    ]


def test_api_directory_with_an_empty_search_lists_everyone(api, community):
    response = api.get("/api/v1/members/", {"q": ""})

    assert response.status_code == 200
    assert [m["handle"] for m in response.json()["results"]] == [
        "py_blog_expert",
        "go_video_expert",
        "py_video_beginner",
        "py_video_expert",
        "dormant",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"goal": "fame"}, {"goal": ['"fame" is not a valid choice.']}),
        ({"skill_level": ""}, {"skill_level": ['"" is not a valid choice.']}),
        ({"page": ""}, {"page": ["A valid integer is required."]}),
        ({"page": "0"}, {"page": ["Ensure this value is greater than or equal to 1."]}),
    ],
)
def test_api_directory_refuses_invalid_filter_values_with_a_field_message(
    api, community, query, expected
):
    response = api.get("/api/v1/members/", query)

    assert response.status_code == 400
    assert response.json() == expected
