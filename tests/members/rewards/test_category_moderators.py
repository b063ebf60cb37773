"""Category moderators reward within their categories (issue 11): a post there, from the
thread page, the queue or the API; from a profile, a member who has a visible post there.
Anything else is refused (page 403 with the reason, API 403) and writes nothing: no audit
row, no ledger entry, no badge, no notification. The Reward controls show exactly where
the reward would be given."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Post
from community.services import posting
from members.loyalty.models import Activity, Badge, BadgeAward
from members.models import Notification
from members.rewards.models import ModeratorReward
from members.rewards.policies import OUT_OF_SCOPE
from tests.community.factories import CategoryFactory, CategoryModeratorFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return CategoryFactory(slug="room", name="Room")


@pytest.fixture
def elsewhere():
    return CategoryFactory(slug="elsewhere", name="Elsewhere")


@pytest.fixture
def catmod(room):
    catmod = UserFactory(handle="catmod")
    CategoryModeratorFactory(member=catmod, category=room)
    return catmod


@pytest.fixture
def author():
    return UserFactory(handle="helper")


@pytest.fixture
def near(room, author):
    """The author's reply in the category moderator's category."""
    thread = start_thread(UserFactory(), room, title="Fonts on old screens")
    return posting.reply(author=author, thread_id=thread.pk, body="Try a bigger font.")


@pytest.fixture
def far(elsewhere, author):
    """The author's reply in a category the category moderator does not moderate."""
    thread = start_thread(UserFactory(), elsewhere, title="Lights for video calls")
    return posting.reply(author=author, thread_id=thread.pk, body="A window helps.")


def _form(post, **changes) -> dict[str, str]:
    data = {
        "points": "20",
        "badge": str(Badge.objects.get(slug="thank-you").pk),
        "reason": "A clear, kind answer",
        "thank_you": "Thank you for this!",
        "post": str(post.pk),
        "next": post.get_absolute_url(),
    }
    data.update(changes)
    return data


def _api_body(about, **changes) -> dict[str, object]:
    body: dict[str, object] = {
        "member": "helper",
        "points": 20,
        "badge": "thank-you",
        "reason": "A clear, kind answer",
        "thank_you": "Thank you!",
        "post": about.pk,
    }
    body.update(changes)
    return body


def written(member) -> tuple[int, int, int, int]:
    """What a reward writes: audit rows, ledger entries, badges, notifications."""
    return (
        ModeratorReward.objects.count(),
        Activity.objects.filter(member=member, verb="moderator_award").count(),
        BadgeAward.objects.filter(member=member, badge__slug="thank-you").count(),
        Notification.objects.filter(recipient=member, kind="moderator_reward").count(),
    )


def test_a_category_moderator_rewards_a_reply_in_their_category_from_the_page(
    client: Client, catmod, author, near
):
    client.force_login(catmod)

    response = client.post(reverse("members:reward", args=["helper"]), _form(near))

    assert (response.status_code, response["Location"]) == (302, near.get_absolute_url())
    assert written(author) == (1, 1, 1, 1)
    assert list(ModeratorReward.objects.values_list("moderator_id", "post_id", "points")) == [
        (catmod.pk, near.pk, 20)
    ]


def test_a_category_moderator_rewards_a_reply_in_their_category_through_the_api(
    api, catmod, author, near
):
    api.force_authenticate(catmod)

    response = api.post("/api/v1/rewards/", _api_body(near), format="json")

    assert (response.status_code, response.json()["post"]) == (201, near.pk)
    assert written(author) == (1, 1, 1, 1)


def test_a_category_moderator_is_refused_a_reply_elsewhere_on_the_page(
    client: Client, catmod, author, far
):
    client.force_login(catmod)

    shown = client.get(reverse("members:reward", args=["helper"]), {"post": far.pk})
    response = client.post(reverse("members:reward", args=["helper"]), _form(far))

    assert shown.status_code == 403
    assert OUT_OF_SCOPE in shown.content.decode()
    assert 'name="reason"' not in shown.content.decode()  # no form it would refuse
    assert response.status_code == 403
    assert OUT_OF_SCOPE in response.content.decode()
    assert 'value="A clear, kind answer"' in response.content.decode()  # the text kept
    assert written(author) == (0, 0, 0, 0)


def test_a_category_moderator_is_refused_a_reply_elsewhere_through_the_api(
    api, catmod, author, far
):
    api.force_authenticate(catmod)

    response = api.post("/api/v1/rewards/", _api_body(far), format="json")

    assert (response.status_code, response.json()["detail"]) == (
        403,
        OUT_OF_SCOPE,
    )
    assert written(author) == (0, 0, 0, 0)


@pytest.mark.parametrize("giver", ["catmod", "moderator"])
def test_a_post_that_is_not_the_members_is_refused(api, request, giver, near):
    someone = UserFactory(handle="someone")
    api.force_authenticate(request.getfixturevalue(giver))

    response = api.post(
        "/api/v1/rewards/", _api_body(near, member="someone", badge=""), format="json"
    )

    assert (response.status_code, response.json()["post"]) == (
        400,
        ["That post is not one of this member's."],
    )
    assert written(someone) == (0, 0, 0, 0)


def test_a_member_who_moderates_nothing_is_refused_through_the_api(api, member, author, near):
    api.force_authenticate(member)

    response = api.post("/api/v1/rewards/", _api_body(near), format="json")

    assert response.status_code == 403
    assert written(author) == (0, 0, 0, 0)


def test_a_category_moderator_rewards_from_the_profile_of_a_member_who_posted_there(
    client: Client, catmod, author, near
):
    client.force_login(catmod)

    profile = client.get("/u/helper/").content.decode()
    response = client.post(
        reverse("members:reward", args=["helper"]),
        {"points": "7", "reason": "Always helpful", "badge": ""},
    )

    assert profile.count('action="/u/helper/reward/"') == 1
    assert (response.status_code, response["Location"]) == (302, "/u/helper/")
    assert list(ModeratorReward.objects.values_list("points", "post_id")) == [(7, None)]


@pytest.mark.parametrize("posted", ["elsewhere", "held_in_room", "deleted_in_room"])
def test_a_category_moderator_may_not_reward_from_the_profile_of_a_member_who_did_not_post_there(
    client: Client, api, catmod, author, far, near, posted
):
    if posted == "elsewhere":
        Post.objects.filter(pk=near.pk).delete()
    elif posted == "held_in_room":
        Post.objects.filter(pk=near.pk).update(status=Post.Status.HELD)
    else:
        Post.objects.filter(pk=near.pk).update(is_deleted=True)
    client.force_login(catmod)
    api.force_authenticate(catmod)

    profile = client.get("/u/helper/").content.decode()
    page = client.post(
        reverse("members:reward", args=["helper"]),
        {"points": "7", "reason": "Always helpful", "badge": ""},
    )
    by_api = api.post("/api/v1/rewards/", _api_body(far, post=None, badge=""), format="json")

    assert "/reward/" not in profile
    assert (page.status_code, by_api.status_code) == (403, 403)
    assert written(author) == (0, 0, 0, 0)


def test_the_reward_menu_shows_on_posts_in_the_category_moderators_categories_only(
    client: Client, catmod, near, far
):
    client.force_login(catmod)

    here = client.get(near.get_absolute_url(), follow=True).content.decode()
    there = client.get(far.get_absolute_url(), follow=True).content.decode()

    assert here.count('action="/u/helper/reward/"') == 1
    assert f'<input type="hidden" name="post" value="{near.pk}">' in here
    assert "/reward/" not in there


def test_the_queue_offers_a_category_moderator_the_reward_of_a_held_post_there(
    client: Client, catmod, near
):
    Post.objects.filter(pk=near.pk).update(status=Post.Status.HELD, published_at=None)
    client.force_login(catmod)

    page = client.get(reverse("moderation:queue")).content.decode()
    response = client.post(reverse("members:reward", args=["helper"]), _form(near))

    assert f'href="/u/helper/reward/?post={near.pk}&amp;next=' in page
    assert response.status_code == 302
    assert ModeratorReward.objects.filter(post_id=near.pk).count() == 1


def test_a_forum_wide_moderator_still_rewards_anywhere(api, moderator, author, far):
    api.force_authenticate(moderator)

    response = api.post("/api/v1/rewards/", _api_body(far), format="json")

    assert response.status_code == 201
    assert written(author) == (1, 1, 1, 1)
