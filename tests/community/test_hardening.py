"""Crafted input gets a clear answer, never a 500; nothing slips out of a list."""

import base64

import pytest
from django.urls import reverse

from community.exceptions import NotAllowedError
from community.models import Thread
from community.services import posting
from tests.community.factories import CategoryFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        encode("9999-12-31T23:59:59-23:59|1"),
        encode("0001-01-01T00:00:00+23:59|1"),
        "%%%",
        encode("2026-01-01T00:00:00|x"),
    ],
)
def test_crafted_cursors_show_the_first_page_and_are_a_400_in_the_api(client, cursor):
    thread = ThreadFactory(title="The only thread")

    page = client.get(reverse("community:latest"), {"cursor": cursor})
    api = client.get("/api/v1/threads/", {"cursor": cursor})

    assert page.status_code == 200
    assert f'href="{thread.get_absolute_url()}">The only thread</a>' in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("value", ["\x00", "py\x00thon", "²"])
def test_control_characters_in_query_parameters_are_harmless(client, value):
    UserFactory()

    responses = [
        client.get(reverse("community:latest"), {"topic": value}),
        client.get(reverse("members:directory"), {"q": value, "topic": value, "tier": value}),
        client.get("/api/v1/members/", {"topic": value}),
    ]

    # Pages ignore what they cannot use; the API says which filter is malformed.
    assert [r.status_code for r in responses] == [200, 200, 400]
    assert list(responses[2].json()) == ["topic"]


def test_a_strange_quote_parameter_is_ignored(client, member):
    thread = posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="Quote me maybe", body="Hi"
    )
    client.force_login(member)

    response = client.get(reverse("community:reply", args=[thread.pk]), {"quote": "²"})

    assert response.status_code == 200
    assert response.context["form"]["body"].value() is None


def test_every_pinned_thread_shows_however_many_there_are(client):
    ThreadFactory.create_batch(12, pinned_globally=True)
    ThreadFactory(title="Not pinned at all")

    response = client.get(reverse("community:latest"))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('<span class="visually-hidden">Pinned:</span>') == 12
    assert "Not pinned at all</a>" in content


def test_a_stale_slug_redirects_keeping_the_page(client, member):
    thread = posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="Original title", body="x"
    )
    posting.edit_thread(editor=member, thread_id=thread.pk, title="A better title")

    response = client.get(
        reverse("community:thread", args=[thread.pk, "original-title"]), {"page": 3}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/t/{thread.pk}/a-better-title/?page=3"


def test_the_author_cannot_rename_a_locked_thread(member):
    thread = ThreadFactory(author=member, title="Locked soon", locked=True)

    with pytest.raises(NotAllowedError):
        posting.edit_thread(editor=member, thread_id=thread.pk, title="Sneaky rename")

    assert Thread.objects.get(pk=thread.pk).title == "Locked soon"


def test_a_moderator_renames_a_locked_thread(member, moderator):
    thread = ThreadFactory(author=member, title="Locked soon", locked=True)

    posting.edit_thread(editor=moderator, thread_id=thread.pk, title="Locked: resolved")

    assert Thread.objects.get(pk=thread.pk).title == "Locked: resolved"


def test_control_characters_are_kept_out_of_posts(member):
    thread = posting.create_thread(
        author=member,
        category_id=CategoryFactory().pk,
        title="Bell\x07 title",
        body="a\x02b\x03c\tend",
    )

    thread.refresh_from_db()
    assert thread.title == "Bell title"
    assert thread.posts.get().source == "abc\tend"
