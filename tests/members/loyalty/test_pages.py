"""The loyalty pages and their API twins: my points, badges, one badge, tiers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse

from community.services import posting
from members.loyalty import badges, ledger, periods
from members.loyalty.models import Badge, BadgeAward, TierGrant
from members.loyalty.selectors import get_badge_screen
from members.models import ProfileVisibility, User
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def award(member, points, key, days_ago=0):
    return ledger.record(
        member_id=member.pk,
        verb="moderator_award",
        key=key,
        points=points,
        reason=f"Reward {key}",
        occurred_at=periods.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def ladder():
    return [
        TierFactory(name="Contributor", slug="contributor", rank=1, points_threshold=100),
        TierFactory(
            name="Champion",
            slug="champion",
            rank=2,
            points_threshold=300,
            perks="The Champions' lounge\nEarly event registration",
        ),
    ]


def test_my_points_page_shows_the_balance_and_what_each_entry_was_about(client, member):
    thread = posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="Shipping my first talk", body="Hi"
    )
    award(member, 40, "a")
    client.force_login(member)

    response = client.get(reverse("members:points"))

    assert response.status_code == 200
    screen = response.context["screen"]
    assert (screen.balance, screen.year_points) == (45, 45)
    assert [(row.verb, row.points) for row in screen.rows] == [
        ("moderator_award", 40),
        ("thread_started", 5),
    ]
    assert screen.rows[1].subject.title == "Shipping my first talk"
    assert f'href="{thread.get_absolute_url()}' in response.text


def test_my_points_page_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("members:points"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_points_page_query_count_is_the_same_with_1_and_many_entries(
    client, member, django_assert_num_queries
):
    award(member, 10, "first")
    client.force_login(member)
    # session, user, the layout's unread count and email health; the summary, the 12-month
    # sum, the count, the page (no subjects: rewards are about nothing)
    queries = 8
    cache.clear()  # the cold cost: the layout's cached counts too
    with django_assert_num_queries(queries):
        client.get(reverse("members:points"))

    for n in range(40):
        award(member, 1, f"more-{n}")

    cache.clear()  # the cold cost: the layout's cached counts too
    with django_assert_num_queries(queries):
        response = client.get(reverse("members:points"), {"page": 2})
    assert len(response.context["screen"].rows) == 16


def test_the_badges_page_lists_every_badge_with_its_holders_and_mine(client, member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="p")
    client.force_login(member)

    response = client.get(reverse("members:badges"))

    screen = response.context["screen"]
    first_post = next(row for row in screen.automatic if row.badge.slug == "first-post")
    assert (first_post.is_held, first_post.badge.award_count) == (True, 1)
    assert [row.badge.slug for row in screen.manual] == ["community-hero", "thank-you"]
    assert screen.held_count == 1
    assert screen.can_grant is False
    assert "Write your first thread or reply." in response.text


@pytest.mark.parametrize("signed_in", [False, True])
def test_badges_page_query_count_does_not_grow_with_members(
    client, django_assert_num_queries, signed_in
):
    viewer = UserFactory()
    if signed_in:
        client.force_login(viewer)
    # session, user, badges, mine, the layout's unread count and email health | badges
    queries = 6 if signed_in else 1
    holders = UserFactory.create_batch(1)
    for member in holders:
        ledger.record(member_id=member.pk, verb="reply_posted", key=f"p{member.pk}")
    cache.clear()  # the cold cost: the layout's cached counts too
    with django_assert_num_queries(queries):
        client.get(reverse("members:badges"))

    for member in UserFactory.create_batch(30):
        ledger.record(member_id=member.pk, verb="reply_posted", key=f"p{member.pk}")

    cache.clear()  # the cold cost: the layout's cached counts too
    with django_assert_num_queries(queries):
        client.get(reverse("members:badges"))


@pytest.mark.parametrize("holder_count", [1, 40])
def test_badge_page_query_count_is_fixed(client, member, django_assert_num_queries, holder_count):
    tier = TierFactory(name="Guild", slug="guild")
    for holder in UserFactory.create_batch(holder_count, tier=tier):
        ledger.record(member_id=holder.pk, verb="reply_posted", key=f"p{holder.pk}")
    client.force_login(member)

    # session, user, the layout's unread count and email health; the badge, the holder
    # count, the holders page (members and tiers joined), whether I hold it
    cache.clear()  # the cold cost: the layout's cached counts too
    with django_assert_num_queries(8):
        response = client.get(reverse("members:badge", args=["first-post"]))

    assert len(response.context["screen"].page.object_list) == min(holder_count, 30)
    assert 'class="tier-mark"' in response.text


def test_a_badge_page_shows_holders_with_their_tier_mark_linking_to_the_tiers_page(client):
    guild = TierFactory(name="Guild", slug="guild")
    holder = UserFactory(display_name="Grace Holder", tier=guild)
    ledger.record(member_id=holder.pk, verb="reply_posted", key="p")

    response = client.get(reverse("members:badge", args=["first-post"]))

    assert "Grace Holder" in response.text
    assert (
        f'<a class="tier-mark" href="{reverse("members:tiers")}#tier-guild" '
        'title="Guild tier: what tiers are and how members reach them">Guild</a>'
    ) in response.text


def test_an_unknown_badge_is_a_404(client):
    assert client.get(reverse("members:badge", args=["nope"])).status_code == 404


def test_a_moderator_grants_a_badge_from_its_page(client, moderator):
    ada, bob = UserFactory(handle="ada"), UserFactory(handle="bob")
    client.force_login(moderator)

    response = client.post(
        reverse("members:badge", args=["thank-you"]),
        {"members": "@Ada, bob", "reason": "Ran the meetup"},
    )

    assert response.status_code == 302
    assert set(
        BadgeAward.objects.filter(badge__slug="thank-you").values_list("member__handle", flat=True)
    ) == {"ada", "bob"}
    assert BadgeAward.objects.get(member=ada).reason == "Ran the meetup"
    assert bob.pk in [a.member_id for a in BadgeAward.objects.all()]


def test_an_unknown_handle_is_named_and_what_was_typed_is_kept(client, moderator):
    UserFactory(handle="ada")
    client.force_login(moderator)

    response = client.post(
        reverse("members:badge", args=["thank-you"]),
        {"members": "ada ghost", "reason": "Ran the meetup"},
    )

    assert response.status_code == 400
    assert "No member with the handle @ghost." in response.text
    assert "ada ghost</textarea>" in response.text
    assert 'value="Ran the meetup"' in response.text
    assert BadgeAward.objects.count() == 0


def test_a_member_cannot_grant_badges_from_the_page(client, member):
    other = UserFactory(handle="other")
    client.force_login(member)

    page = client.get(reverse("members:badge", args=["thank-you"]))
    response = client.post(
        reverse("members:badge", args=["thank-you"]), {"members": "other", "reason": "Because"}
    )

    assert "Grant this badge" not in page.text
    assert response.status_code == 403
    assert BadgeAward.objects.filter(member=other).count() == 0


def test_the_tiers_page_explains_tiers_to_a_visitor(client, ladder):
    response = client.get(reverse("members:tiers"))

    assert response.status_code == 200
    screen = response.context["screen"]
    assert screen.progress is None
    assert [row.tier.slug for row in screen.rows] == ["contributor", "champion"]
    assert screen.rows[1].perks == ["The Champions' lounge", "Early event registration"]
    assert "300 points over 12 months" in response.text


def test_the_tiers_page_shows_a_members_progress_and_pace(client, member, ladder):
    award(member, 60, "old", days_ago=200)
    award(member, 90, "recent", days_ago=30)
    client.force_login(member)

    response = client.get(reverse("members:tiers"))

    progress = response.context["screen"].progress
    assert progress.tier.slug == "contributor"
    assert (progress.year_points, progress.next_tier.slug, progress.points_to_next) == (
        150,
        "champion",
        150,
    )
    # 90 points in the last 90 days: 1 a day, so 150 more in 150 days
    assert progress.estimated_on == (periods.now() + timedelta(days=150)).date()
    assert "150 points to Champion" in " ".join(response.text.split())


# --- API ---------------------------------------------------------------------------------------


def test_api_my_points(api, member):
    award(member, 40, "a")
    api.force_authenticate(member)

    body = api.get("/api/v1/me/points/").json()

    assert (body["balance"], body["year_points"], body["count"]) == (40, 40, 1)
    assert body["results"][0]["verb"] == "moderator_award"
    assert body["results"][0]["reason"] == "Reward a"


def test_api_my_points_needs_a_member(api):
    assert api.get("/api/v1/me/points/").status_code == 401


def test_api_badges_and_one_badge(api, member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="p")

    listing = api.get("/api/v1/badges/").json()
    detail = api.get("/api/v1/badges/first-post/").json()

    assert [row["badge"]["slug"] for row in listing["manual"]] == ["community-hero", "thank-you"]
    assert detail["count"] == 1
    assert detail["results"][0]["handle"] == member.handle


def test_api_badge_grant_by_a_moderator(api, moderator):
    UserFactory(handle="ada")
    api.force_authenticate(moderator)

    response = api.post(
        "/api/v1/badges/thank-you/grants/",
        {"members": ["ada"], "reason": "Thanks"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {"granted": ["ada"], "already_held": []}


def test_api_badge_grant_refuses_a_member_and_writes_nothing(api, member):
    UserFactory(handle="ada")
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/badges/thank-you/grants/",
        {"members": ["ada"], "reason": "Thanks"},
        format="json",
    )

    assert response.status_code == 403
    assert BadgeAward.objects.count() == 0


def test_api_tiers_with_progress(api, member, ladder):
    award(member, 120, "a")
    api.force_authenticate(member)

    body = api.get("/api/v1/tiers/").json()

    assert [row["tier"]["slug"] for row in body["rows"]] == ["contributor", "champion"]
    assert body["progress"]["tier"]["slug"] == "contributor"
    assert body["progress"]["points_to_next"] == 180


def test_api_staff_grant_a_tier(api, staff, member, ladder):
    api.force_authenticate(staff)

    response = api.post(
        "/api/v1/tier-grants/",
        {"member": member.handle, "tier": "champion", "reason": "Honorary", "ends_at": None},
        format="json",
    )

    assert response.status_code == 201
    assert User.objects.get(pk=member.pk).tier.slug == "champion"


def test_api_a_member_cannot_grant_tiers(api, member, ladder):
    other = UserFactory()
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/tier-grants/",
        {"member": other.handle, "tier": "champion", "reason": "Me", "ends_at": None},
        format="json",
    )

    assert response.status_code == 403
    assert TierGrant.objects.count() == 0


def test_api_tier_grant_names_an_unknown_tier(api, staff, member):
    api.force_authenticate(staff)

    response = api.post(
        "/api/v1/tier-grants/",
        {"member": member.handle, "tier": "nope", "reason": "x", "ends_at": None},
        format="json",
    )

    assert response.status_code == 400
    assert "tier" in response.json()
    assert TierGrant.objects.count() == 0


def test_badge_granted_through_the_service_is_visible_on_the_profile(client, moderator, member):
    badges.grant_badge(
        moderator=moderator,
        badge_id=Badge.objects.get(slug="community-hero").pk,
        member_ids=[member.pk],
        reason="Hero",
    )

    response = client.get(reverse("members:profile", args=[member.handle]))

    assert response.context["screen"].badges[0].badge.slug == "community-hero"
    assert "Community hero" in response.text


@pytest.mark.parametrize(("viewer_kind", "expected"), [("member", 2), ("visitor", 1)])
def test_a_badges_holder_count_leaves_out_holders_the_viewer_may_not_see(
    member, viewer_kind, expected
):
    badge = Badge.objects.create(slug="helper", name="Helper", description="Helps")
    holders = [
        UserFactory(handle="public_holder"),
        UserFactory(handle="members_only_holder", profile_visibility=ProfileVisibility.MEMBERS),
        UserFactory(handle="gone_holder", inactive=True),
    ]
    BadgeAward.objects.bulk_create(BadgeAward(member=h, badge=badge) for h in holders)
    viewer = member if viewer_kind == "member" else AnonymousUser()

    screen = get_badge_screen(viewer=viewer, slug="helper", page=1)

    assert screen.page.paginator.count == expected
    assert len(screen.page.object_list) == expected
