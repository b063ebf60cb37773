"""Forum API access rules that hold for every resource: invisible is 404 and absent, never
403; writes need a signed-in member with a verified email and an active account."""

import pytest
from rest_framework.authtoken.models import Token

from community.models import Post, Reaction, ReadState, Subscription, Thread
from tests.community.factories import CategoryFactory
from tests.community.steps import opening_post, start_thread
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["lounge-visitor", "vip-visitor", "vip-member"])
def hidden_case(request, api, member, vip):
    room_name, persona = request.param.split("-")
    room = (
        CategoryFactory(slug="lounge", members_only=True)
        if room_name == "lounge"
        else CategoryFactory(slug="vip", tier_only=True, minimum_tier=TierFactory(rank=5))
    )
    thread = start_thread(vip, room, title="Secret plans for Celery", body="Celery secrets")
    if persona == "member":
        api.force_authenticate(member)
    return api, thread


@pytest.mark.parametrize("path", ["/api/v1/threads/{}/", "/api/v1/threads/{}/posts/"])
def test_thread_is_404_when_viewer_lacks_access(hidden_case, path):
    api, thread = hidden_case

    response = api.get(path.format(thread.pk))

    assert response.status_code == 404


def test_post_and_its_revisions_are_404_when_viewer_lacks_access(hidden_case):
    api, thread = hidden_case
    post = opening_post(thread)

    responses = [
        api.get(f"/api/v1/posts/{post.pk}/"),
        api.get(f"/api/v1/posts/{post.pk}/revisions/"),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_thread_is_absent_from_list_search_and_categories_when_viewer_lacks_access(
    hidden_case, help_desk, asker
):
    api, _hidden = hidden_case
    visible = start_thread(asker, help_desk, title="Public Celery question", body="Celery too")

    listed = api.get("/api/v1/threads/").json()
    found = api.get("/api/v1/search/", {"q": "celery"}).json()
    categories = api.get("/api/v1/categories/").json()

    assert [t["id"] for t in listed["results"]] == [visible.pk]
    assert [r["thread_id"] for r in found["results"]] == [visible.pk]
    assert [c["slug"] for c in categories["results"]] == ["help"]


@pytest.mark.parametrize("persona", ["vip", "moderator"])
def test_member_of_the_tier_or_a_moderator_sees_the_tier_only_thread(
    request, api, vip_room, vip, persona
):
    thread = start_thread(vip, vip_room, title="Secret plans for Celery", body="Celery")
    api.force_authenticate(request.getfixturevalue(persona))

    detail = api.get(f"/api/v1/threads/{thread.pk}/")
    posts = api.get(f"/api/v1/threads/{thread.pk}/posts/")
    listed = api.get("/api/v1/threads/", {"category": "vip"}).json()
    found = api.get("/api/v1/search/", {"q": "celery"}).json()

    assert (detail.status_code, posts.status_code) == (200, 200)
    assert [t["id"] for t in listed["results"]] == [thread.pk]
    assert [r["thread_id"] for r in found["results"]] == [thread.pk]


WRITES = [
    ("post", "/api/v1/threads/"),
    ("patch", "/api/v1/threads/{thread}/"),
    ("post", "/api/v1/threads/{thread}/posts/"),
    ("patch", "/api/v1/posts/{post}/"),
    ("delete", "/api/v1/posts/{post}/"),
    ("post", "/api/v1/posts/{post}/reactions/like/"),
    ("post", "/api/v1/threads/{thread}/accept/"),
    ("post", "/api/v1/threads/{thread}/watch/"),
    ("post", "/api/v1/threads/{thread}/read/"),
    ("post", "/api/v1/categories/help/watch/"),
]


def forum_rows():
    """Every row a write above could add, and the opening post's text and state."""
    post = Post.objects.get(number=1)
    return {
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "reactions": Reaction.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "read states": ReadState.objects.count(),
        "opening post": (post.source, post.is_deleted),
        "titles": list(Thread.objects.values_list("title", flat=True)),
    }


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_visitor_gets_401_and_writes_nothing(api, question, method, path):
    post = opening_post(question)
    before = forum_rows()

    response = getattr(api, method)(
        path.format(thread=question.pk, post=post.pk),
        {"body": "Hello there", "title": "Taken over", "post": post.pk},
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert forum_rows() == before


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_deactivated_members_token_gets_401_and_writes_nothing(
    api, question, deactivated, method, path
):
    token = Token.objects.create(user=deactivated)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    post = opening_post(question)
    before = forum_rows()

    response = getattr(api, method)(
        path.format(thread=question.pk, post=post.pk),
        {"body": "Hello there", "title": "Taken over", "post": post.pk},
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
    assert forum_rows() == before


def test_unverified_member_cannot_start_a_thread(api, help_desk):
    api.force_authenticate(UserFactory(unverified=True))

    response = api.post(
        "/api/v1/threads/", {"category": "help", "title": "Hello everyone", "body": "Hi"}
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Verify your email address before you post.",
        "code": "posting_not_allowed",
    }
    assert Thread.objects.count() == 0


def test_unverified_member_cannot_reply(api, question):
    api.force_authenticate(UserFactory(unverified=True))

    response = api.post(f"/api/v1/threads/{question.pk}/posts/", {"body": "Me too"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Verify your email address before you post.",
        "code": "posting_not_allowed",
    }
    assert Post.objects.filter(thread=question).count() == 1
    assert Subscription.objects.filter(thread=question).count() == 1  # the asker's own
