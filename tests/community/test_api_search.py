"""/api/v1/search/ and /api/v1/for-you/."""

import pytest

from community.services import posting
from core.models import Topic
from tests.community.steps import iso, start_thread

pytestmark = pytest.mark.django_db


def test_search_returns_matching_posts_with_a_marked_snippet(api, question, member):
    reply = posting.reply(author=member, thread_id=question.pk, body="Pin <b>celery</b> to 5.4")

    response = api.get("/api/v1/search/", {"q": "celery", "author": "member"})

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert {k: v for k, v in result.items() if k != "snippet"} == {
        "id": reply.pk,
        "number": 2,
        "thread_id": question.pk,
        "thread_title": "Why does Celery run my task twice?",
        "category": "help",
        "author": "member",
        "created_at": iso(reply.created_at),
        "is_accepted_answer": False,
        "more_matches": 0,
    }
    assert "<mark>celery</mark>" in result["snippet"]
    assert "<b>" not in result["snippet"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": "x", "page": 21}, {"page": ["Ensure this value is less than or equal to 20."]}),
    ],
)
def test_search_needs_words_and_caps_pages(api, params, expected):
    response = api.get("/api/v1/search/", params)

    assert response.status_code == 400
    assert response.json() == expected


def test_for_you_needs_a_member(api):
    response = api.get("/api/v1/for-you/")

    assert response.status_code == 401


def test_for_you_explains_each_pick(api, member, asker, help_desk):
    member.topics.set(Topic.objects.filter(slug="python"))
    thread = start_thread(asker, help_desk, topics=Topic.objects.filter(slug="python"))
    api.force_authenticate(member)

    response = api.get("/api/v1/for-you/")

    assert response.status_code == 200
    assert [(r["thread"]["id"], r["reason"]) for r in response.json()["results"]] == [
        (thread.pk, "Because you follow Python")
    ]
