"""Rate limits on writes, kept in the cache: the API answers 429 with Retry-After; pages say
"try again in N seconds" and keep what the member wrote. Per member and per address."""

import pytest
from django.urls import reverse

from community.models import Flag, Post, Reaction
from core.ratelimit import RateLimitedError, check_rate
from events.models import Registration
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return start_thread(UserFactory(), CategoryFactory(), title="Rate limited thread")


def test_the_limit_counts_each_member_apart(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/60"}
    for _ in range(2):
        check_rate(action="post", member_id=1, address=None)

    with pytest.raises(RateLimitedError) as refused:
        check_rate(action="post", member_id=1, address=None)
    check_rate(action="post", member_id=2, address=None)

    assert 1 <= refused.value.retry_after <= 60


def test_the_limit_counts_an_address_across_members(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "flag": "1/600"}
    check_rate(action="flag", member_id=1, address="203.0.113.9")

    with pytest.raises(RateLimitedError):
        check_rate(action="flag", member_id=2, address="203.0.113.9")


def test_the_api_answers_429_with_retry_after_and_writes_nothing(settings, api, member, thread):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "1/60"}
    api.force_authenticate(member)
    first = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "One"}, format="json")

    second = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Two"}, format="json")

    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(second["Retry-After"]) <= 60
    assert list(Post.objects.filter(author=member).values_list("source", flat=True)) == ["One"]


def test_a_page_says_when_to_try_again_and_keeps_the_text(settings, client, member, thread):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "1/60"}
    client.force_login(member)
    client.post(reverse("community:reply", args=[thread.pk]), {"body": "First words"})

    response = client.post(
        reverse("community:reply", args=[thread.pk]), {"body": "Second careful words"}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Try again in" in content
    assert "Second careful words" in content
    assert Post.objects.filter(author=member).count() == 1


@pytest.mark.parametrize(
    ("action", "call", "count"),
    [
        (
            "react",
            lambda api, post, event: api.post(f"/api/v1/posts/{post.pk}/reactions/like/"),
            lambda: Reaction.objects.count(),
        ),
        (
            "flag",
            lambda api, post, event: api.post(
                "/api/v1/flags/",
                {"target": "post", "id": post.pk, "reason": "spam"},
                format="json",
            ),
            lambda: Flag.objects.count(),
        ),
        (
            "register",
            lambda api, post, event: api.post(f"/api/v1/events/{event.pk}/registration/"),
            lambda: Registration.objects.count(),
        ),
    ],
    ids=["react", "flag", "register"],
)
def test_each_write_has_its_limit(settings, api, member, thread, action, call, count):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: "0/60"}
    api.force_authenticate(member)

    response = call(api, thread.posts.get(number=1), EventFactory())

    assert (response.status_code, count()) == (429, 0)
