"""One access policy: a thread nobody may see through a side door."""

import pytest
from django.urls import reverse

from community import search, selectors
from community.models import Category
from community.services import posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Zebrafish deployment secrets"


@pytest.fixture
def vip_tier():
    return TierFactory(slug="blaze", name="Blaze", rank=3)


@pytest.fixture
def hidden_threads(vip_tier, staff):
    """One members-only and one tier-only thread, both about Python, both with SECRET."""
    members_room = CategoryFactory(slug="members-room", access=Category.Access.MEMBERS)
    vip_room = CategoryFactory(slug="vip-room", access=Category.Access.TIER, minimum_tier=vip_tier)
    python = Topic.objects.filter(slug="python")
    return {
        "members": posting.create_thread(
            author=staff,
            category_id=members_room.pk,
            title=f"{SECRET} for members",
            body=f"{SECRET} body",
            topics=python,
        ),
        "tier": posting.create_thread(
            author=staff,
            category_id=vip_room.pk,
            title=f"{SECRET} for VIPs",
            body=f"{SECRET} body",
            topics=python,
        ),
    }


@pytest.fixture
def viewers(vip_tier):
    python_fan = UserFactory(handle="plain_member")
    python_fan.topics.set(Topic.objects.filter(slug="python"))
    vip = UserFactory(handle="vip_member", tier=vip_tier)
    low = UserFactory(handle="low_tier", tier=TierFactory(rank=1))
    return {"member": python_fan, "vip": vip, "low": low}


def visible_titles(viewer):
    page = selectors.list_threads(viewer=viewer)
    return {t.title for t in page.threads + page.pinned}


def test_visitors_see_neither_members_nor_tier_threads_in_lists(hidden_threads, visitor):
    assert visible_titles(visitor) == set()


def test_members_see_members_threads_but_not_tier_threads(hidden_threads, viewers):
    assert visible_titles(viewers["member"]) == {f"{SECRET} for members"}
    assert visible_titles(viewers["low"]) == {f"{SECRET} for members"}


def test_tier_members_and_staff_see_both(hidden_threads, viewers, staff):
    both = {f"{SECRET} for members", f"{SECRET} for VIPs"}
    assert visible_titles(viewers["vip"]) == both
    assert visible_titles(staff) == both


@pytest.mark.parametrize(
    ("who", "which"),
    [("visitor", "members"), ("visitor", "tier"), ("member", "tier"), ("low", "tier")],
)
def test_hidden_thread_page_is_404_not_403(client, hidden_threads, viewers, who, which):
    if who != "visitor":
        client.force_login(viewers[who])
    thread = hidden_threads[which]

    response = client.get(reverse("community:thread-short", args=[thread.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_hidden_threads_stay_out_of_search(hidden_threads, viewers, visitor, who):
    viewer = visitor if who == "visitor" else viewers["member"]

    results = list(
        search.search_posts(viewer=viewer, query="zebrafish", filters=search.SearchFilters())
    )

    titles = {post.thread.title for post in results}
    assert f"{SECRET} for VIPs" not in titles
    assert (f"{SECRET} for members" in titles) is (who == "member")


def test_hidden_threads_stay_out_of_for_you(hidden_threads, viewers):
    recommended = {r.thread.title for r in selectors.for_you(member=viewers["member"])}

    assert recommended == {f"{SECRET} for members"}


def test_hidden_category_page_is_404(client, hidden_threads, viewers):
    client.force_login(viewers["member"])

    response = client.get(reverse("community:category", args=["vip-room"]))

    assert response.status_code == 404


def test_member_cannot_reply_in_a_hidden_thread(hidden_threads, viewers):
    from community.models import Thread

    with pytest.raises(Thread.DoesNotExist):
        posting.reply(author=viewers["member"], thread_id=hidden_threads["tier"].pk, body="Hi")
