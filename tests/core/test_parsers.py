"""Malformed and deeply nested JSON bodies get a 400 with a message, never a 500."""

import pytest
from rest_framework.test import APIClient

from community.models import Post, Thread
from community.services import posting
from core.parsers import MAX_JSON_DEPTH, MalformedBodyError, load_json
from members.models import User
from tests.community.factories import CategoryFactory

TOO_DEEP = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."

#: (body, the exact message) for every kind of body the parser refuses.
BAD_BODIES = [
    pytest.param(b"[" * 100_000, TOO_DEEP, id="100000-brackets"),
    pytest.param(b'{"a":' * 100_000, TOO_DEEP, id="100000-objects"),
    pytest.param(
        b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), TOO_DEEP, id="one-too-deep"
    ),
    pytest.param(
        b'{"body": "unfinished"',
        "The body is not valid JSON: Expecting ',' delimiter: line 1 column 22 (char 21)",
        id="truncated",
    ),
    pytest.param(
        b'{"body": NaN}',
        "The JSON body contains NaN, which is not valid JSON.",
        id="nan",
    ),
    pytest.param(
        b'{"body": "\xff"}',
        "'utf-8' codec can't decode byte 0xff in position 10: invalid start byte",
        id="not-utf-8",
    ),
    pytest.param(
        b'{"body": ' + b"9" * 5000 + b"}",
        "The body is not valid JSON: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase "
        "the limit",
        id="huge-integer",
    ),
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_load_json_accepts_nesting_up_to_the_limit():
    data = load_json(nested(MAX_JSON_DEPTH))

    for _ in range(MAX_JSON_DEPTH - 1):
        (data,) = data
    assert data == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (nested(MAX_JSON_DEPTH + 1), TOO_DEEP),
        ("[" * 100_000, TOO_DEEP),
        ('{"a": Infinity}', "The JSON body contains Infinity, which is not valid JSON."),
        ("", "The body is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    ],
)
def test_load_json_refuses_with_a_message(raw, message):
    with pytest.raises(MalformedBodyError) as error:
        load_json(raw)

    assert str(error.value) == message


# --- Through the API ----------------------------------------------------------------------------


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.fixture
def thread(member):
    return posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="A thread to answer", body="Hi"
    )


def snapshot() -> tuple[list[tuple[int, str]], list[str], list[tuple[str, str]]]:
    """What a JSON write could change: posts, thread titles, member profiles."""
    return (
        list(Post.objects.order_by("pk").values_list("pk", "source")),
        list(Thread.objects.order_by("pk").values_list("title", flat=True)),
        list(User.objects.order_by("pk").values_list("display_name", "headline")),
    )


def endpoints(thread) -> dict[str, tuple[str, str]]:
    return {
        "profile": ("patch", "/api/v1/me/"),
        "new-thread": ("post", "/api/v1/threads/"),
        "edit-thread": ("patch", f"/api/v1/threads/{thread.pk}/"),
        "reply": ("post", f"/api/v1/threads/{thread.pk}/posts/"),
        "edit-post": ("patch", f"/api/v1/posts/{thread.posts.get().pk}/"),
        "mark-read": ("post", f"/api/v1/threads/{thread.pk}/read/"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint", ["profile", "new-thread", "edit-thread", "reply", "edit-post", "mark-read"]
)
def test_every_json_endpoint_answers_400_to_a_body_nested_100000_deep(api, thread, endpoint):
    method, url = endpoints(thread)[endpoint]
    before = snapshot()

    response = getattr(api, method)(url, b"[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP}
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_a_reply_with_a_malformed_body_answers_400_with_the_reason(api, thread, body, message):
    before = snapshot()

    response = api.post(
        f"/api/v1/threads/{thread.pk}/posts/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert snapshot() == before
