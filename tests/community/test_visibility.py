"""One access policy: a thread nobody may see through a side door, on every page."""

import pytest
from django.urls import reverse

from community.models import Post, Thread
from community.services import posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.community.pages import result_titles, row_titles
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Zebrafish deployment secrets"
MEMBERS = f"{SECRET} for members"
VIPS = f"{SECRET} for VIPs"


@pytest.fixture
def hidden_threads(vip):
    """One members-only and one tier-only (rank 3) thread about Python, with SECRET; and
    one public thread, so a list that shows nothing is told apart from a broken one."""
    members_room = CategoryFactory(slug="members-room", members_only=True)
    vip_room = CategoryFactory(
        slug="vip-room", tier_only=True, minimum_tier=TierFactory(slug="flame", rank=3)
    )
    public_room = CategoryFactory(slug="public-room")
    python = Topic.objects.filter(slug="python")
    made = {}
    for key, room, title in [
        ("members", members_room, MEMBERS),
        ("tier", vip_room, VIPS),
        ("public", public_room, f"{SECRET} for everyone"),
    ]:
        made[key] = posting.create_thread(
            author=vip, category_id=room.pk, title=title, body=f"{SECRET} body", topics=python
        )
    return made


@pytest.fixture
def low_tier():
    """A member of a tier below the tier-only category's minimum."""
    return UserFactory(handle="low_tier", tier=TierFactory(rank=1))


VISIBLE = {
    "visitor": {f"{SECRET} for everyone"},
    "member": {f"{SECRET} for everyone", MEMBERS},
    "low_tier": {f"{SECRET} for everyone", MEMBERS},
    "vip": {f"{SECRET} for everyone", MEMBERS, VIPS},
    "moderator": {f"{SECRET} for everyone", MEMBERS, VIPS},
}


def sign_in(request, client, persona):
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", VISIBLE)
def test_latest_lists_only_the_threads_the_viewer_may_see(request, client, hidden_threads, persona):
    sign_in(request, client, persona)

    response = client.get(reverse("community:latest"))

    assert set(row_titles(response)) == VISIBLE[persona]


@pytest.mark.parametrize("persona", VISIBLE)
def test_search_finds_only_the_threads_the_viewer_may_see(request, client, hidden_threads, persona):
    sign_in(request, client, persona)

    response = client.get(reverse("community:search"), {"q": "zebrafish"})

    assert set(result_titles(response)) == VISIBLE[persona]


@pytest.mark.parametrize("persona", ["member", "low_tier"])
def test_for_you_recommends_only_the_threads_the_member_may_see(
    request, client, hidden_threads, persona
):
    reader = request.getfixturevalue(persona)
    reader.topics.set(Topic.objects.filter(slug="python"))
    client.force_login(reader)

    response = client.get(reverse("community:for-you"))

    assert set(row_titles(response)) == VISIBLE[persona]


@pytest.mark.parametrize(
    ("persona", "which"),
    [("visitor", "members"), ("visitor", "tier"), ("member", "tier"), ("low_tier", "tier")],
)
def test_hidden_thread_page_is_404_not_403(request, client, hidden_threads, persona, which):
    sign_in(request, client, persona)
    thread = hidden_threads[which]

    response = client.get(reverse("community:thread-short", args=[thread.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["vip", "moderator"])
def test_tier_thread_page_opens_for_the_tier_and_moderators(
    request, client, hidden_threads, persona
):
    sign_in(request, client, persona)

    response = client.get(hidden_threads["tier"].get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("member", 404), ("vip", 200)])
def test_tier_category_page_is_404_below_the_tier(request, client, hidden_threads, persona, status):
    sign_in(request, client, persona)

    response = client.get(reverse("community:category", args=["vip-room"]))

    assert response.status_code == status


def test_member_cannot_reply_in_a_hidden_thread(hidden_threads, member):
    with pytest.raises(Thread.DoesNotExist):
        posting.reply(author=member, thread_id=hidden_threads["tier"].pk, body="Hi")

    assert Post.objects.filter(thread=hidden_threads["tier"]).count() == 1
