"""An account whose email is not verified is not a member yet: whatever way it got a session
or an API token, it sees exactly what a visitor sees, on pages and in the API."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.urls import reverse
from django.utils.text import slugify
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community import policies
from community.models import Category
from community.services import posting
from members.models import ProfileVisibility, User
from members.policies import is_member
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

WORD = "lighthouse"


@pytest.fixture
def vip_tier():
    return TierFactory(slug="blaze", name="Blaze", rank=3)


@pytest.fixture
def forum(staff, vip_tier):
    """A public, a members-only and a tier-only thread, all mentioning WORD; two profiles."""
    rooms = {
        "public": CategoryFactory(slug="open-room", access=Category.Access.PUBLIC),
        "members": CategoryFactory(slug="members-room", access=Category.Access.MEMBERS),
        "tier": CategoryFactory(
            slug="vip-room", access=Category.Access.TIER, minimum_tier=vip_tier
        ),
    }
    threads = {
        name: posting.create_thread(
            author=staff,
            category_id=room.pk,
            title=f"The {name} {WORD} thread",
            body=f"Notes on the {WORD} for {name}",
        )
        for name, room in rooms.items()
    }
    UserFactory(handle="open_book", profile_visibility=ProfileVisibility.EVERYONE)
    UserFactory(handle="private_person", profile_visibility=ProfileVisibility.MEMBERS)
    return {"rooms": rooms, "threads": threads}


@pytest.fixture(params=["plain", "vip", "staff"])
def unverified(request, vip_tier):
    """An account that never verified its address: plain, on the top tier, or even staff."""
    extra = {"plain": {}, "vip": {"tier": vip_tier}, "staff": {"is_staff": True}}[request.param]
    return UserFactory(handle="unverified", email_address__verified=False, **extra)


def api_paths(forum) -> list[str]:
    threads = forum["threads"]
    return [
        "/api/v1/categories/",
        "/api/v1/threads/",
        f"/api/v1/search/?q={WORD}",
        "/api/v1/members/",
        "/api/v1/members/open_book/",
        "/api/v1/members/private_person/",
        *(f"/api/v1/threads/{t.pk}/" for t in threads.values()),
        *(f"/api/v1/threads/{t.pk}/posts/" for t in threads.values()),
    ]


def page_paths(forum) -> list[str]:
    threads, rooms = forum["threads"], forum["rooms"]
    return [
        reverse("community:latest"),
        reverse("community:categories"),
        f"{reverse('community:search')}?q={WORD}",
        reverse("members:directory"),
        reverse("members:profile", args=["open_book"]),
        reverse("members:profile", args=["private_person"]),
        *(reverse("community:category", args=[room.slug]) for room in rooms.values()),
        *(reverse("community:thread", args=[t.pk, slugify(t.title)]) for t in threads.values()),
    ]


def test_unverified_account_is_not_a_member(unverified):
    assert is_member(unverified) is False
    assert policies.can_post(unverified) is False
    assert policies.moderates_anything(unverified) is False
    assert set(policies.visible_categories(unverified).values_list("slug", flat=True)) == set()


def test_api_with_an_unverified_accounts_token_answers_what_a_visitor_gets(forum, unverified):
    visitor = APIClient()
    token_holder = APIClient()
    token_holder.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=unverified)}")

    as_visitor = [(p, visitor.get(p)) for p in api_paths(forum)]
    as_token_holder = [(p, token_holder.get(p)) for p in api_paths(forum)]

    assert [(p, r.status_code, r.json()) for p, r in as_token_holder] == [
        (p, r.status_code, r.json()) for p, r in as_visitor
    ]
    assert [r.status_code for _, r in as_visitor] == [200] * 5 + [404] + [200, 404, 404] * 2


def visible_words(content: str) -> list[str]:
    return [
        marker
        for marker in (
            "The public lighthouse thread",
            "The members lighthouse thread",
            "The tier lighthouse thread",
            "open_book",
            "private_person",
            "Moderator tools",
            "Delete post #",
        )
        if marker in content
    ]


def test_pages_for_an_unverified_session_show_what_a_visitor_sees(client, forum, unverified):
    as_visitor = [(p, client.get(p)) for p in page_paths(forum)]
    client.force_login(unverified)

    as_unverified = [(p, client.get(p)) for p in page_paths(forum)]

    def seen(responses):
        return [(p, r.status_code, visible_words(r.content.decode())) for p, r in responses]

    assert seen(as_unverified) == seen(as_visitor)
    assert "The members lighthouse thread" not in str(seen(as_visitor))
    assert "Moderator tools" not in str(seen(as_visitor))


def test_a_verified_member_sees_members_content_through_the_same_token_api(forum):
    member = UserFactory(handle="verified")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member)}")

    titles = {t["title"] for t in api.get("/api/v1/threads/").json()["results"]}

    assert titles == {"The public lighthouse thread", "The members lighthouse thread"}
    assert api.get("/api/v1/members/private_person/").status_code == 200


def test_unverified_account_still_reads_and_edits_its_own_members_only_profile(unverified):
    User.objects.filter(pk=unverified.pk).update(profile_visibility=ProfileVisibility.MEMBERS)
    api = APIClient()
    api.force_authenticate(unverified)

    me = api.get("/api/v1/me/")
    changed = api.patch("/api/v1/me/", {"headline": "Still here"}, format="json")

    assert me.status_code == 200
    assert changed.status_code == 200
    assert changed.json()["headline"] == "Still here"


# --- The flag follows the email addresses ---------------------------------------------------


def test_verifying_an_address_makes_the_account_a_member(unverified):
    address = EmailAddress.objects.get(user=unverified)

    address.set_verified()

    assert User.objects.get(pk=unverified.pk).has_verified_email is True


def test_removing_the_only_verified_address_ends_membership(member):
    EmailAddress.objects.filter(user=member).get().delete()

    assert User.objects.get(pk=member.pk).has_verified_email is False


def test_an_unverified_second_address_changes_nothing(member):
    EmailAddress.objects.create(user=member, email="second@example.com", verified=False)

    assert User.objects.get(pk=member.pk).has_verified_email is True


def test_the_user_object_that_saved_the_address_follows_at_once(unverified):
    address = EmailAddress.objects.select_related("user").get(user=unverified)

    address.verified = True
    address.save()

    assert address.user.has_verified_email is True


def test_the_migration_copies_verification_from_existing_addresses(member, unverified):
    User.objects.update(has_verified_email=False)
    migration = importlib.import_module("members.migrations.0005_user_has_verified_email")

    migration.copy_verification_from_email_addresses(apps, None)

    assert dict(User.objects.values_list("handle", "has_verified_email")) == {
        "member": True,
        "unverified": False,
    }
