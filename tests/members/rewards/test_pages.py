"""The reward form on the thread page and the profile: two clicks for a moderator, errors
shown with what was typed kept, refused (and nothing written) for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from community.services import posting
from members.loyalty.models import Activity, Badge, BadgeAward
from members.models import Notification
from members.rewards.models import ModeratorReward
from tests.community.factories import ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(handle="helper", display_name="Hal Helper")


@pytest.fixture
def reply(author):
    thread = ThreadFactory(title="Fonts on old screens")
    return posting.reply(author=author, thread_id=thread.pk, body="Try a bigger font.")


def _url(handle: str = "helper") -> str:
    return reverse("members:reward", args=[handle])


def _form(reply, **changes) -> dict[str, str]:
    data = {
        "points": "20",
        "badge": str(Badge.objects.get(slug="thank-you").pk),
        "reason": "A clear, kind answer",
        "thank_you": "Thank you for this!",
        "post": str(reply.pk),
        "next": reply.get_absolute_url(),
    }
    data.update(changes)
    return data


def test_a_moderator_sees_the_reward_menu_on_the_reply(client: Client, moderator, reply) -> None:
    client.force_login(moderator)
    page = client.get(reply.get_absolute_url(), follow=True).content.decode()

    assert page.count('action="/u/helper/reward/"') == 1
    assert f'<input type="hidden" name="post" value="{reply.pk}">' in page
    assert 'name="points" min="0" value="10"' in page


@pytest.mark.parametrize("persona", ["member", "visitor"])
def test_others_never_see_the_reward_menu(client: Client, request, persona, reply) -> None:
    if persona == "member":
        client.force_login(request.getfixturevalue("member"))
    page = client.get(reply.get_absolute_url(), follow=True).content.decode()
    assert "/reward/" not in page


def test_the_second_click_rewards_and_tells_the_member(
    client: Client, moderator, reply, author
) -> None:
    client.force_login(moderator)
    response = client.post(_url(), _form(reply))

    assert (response.status_code, response["Location"]) == (302, reply.get_absolute_url())
    given = ModeratorReward.objects.get()
    assert (given.member_id, given.points, given.post_id, given.thank_you) == (
        author.pk,
        20,
        reply.pk,
        "Thank you for this!",
    )
    assert BadgeAward.objects.filter(member=author, badge__slug="thank-you").count() == 1
    assert list(
        Notification.objects.filter(recipient=author, kind="moderator_reward").values_list(
            "target_type", "target_id"
        )
    ) == [("reward", given.pk)]
    page = client.get(reply.get_absolute_url(), follow=True).content.decode()
    assert "<strong>@moderator</strong> thanked helper: Thank you for this!" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"points": "51"}, "Give between 0 and 50 points."),
        ({"points": "0", "badge": ""}, "Give points, a badge, or both."),
    ],
)
def test_errors_keep_what_was_typed(client: Client, moderator, reply, changes, message) -> None:
    client.force_login(moderator)
    response = client.post(_url(), _form(reply, **changes))

    page = response.content.decode()
    assert (response.status_code, message in page) == (400, True)
    assert "Thank you for this!" in page
    assert ModeratorReward.objects.count() == 0


def test_over_the_weekly_budget_is_refused_with_the_text_kept(
    client: Client, moderator, reply, settings
) -> None:
    settings.MODERATOR_WEEKLY_BUDGET = 15
    client.force_login(moderator)
    response = client.post(_url(), _form(reply))

    page = response.content.decode()
    assert (response.status_code, "Your weekly budget has 15 points left." in page) == (409, True)
    assert "A clear, kind answer" in page
    assert (
        ModeratorReward.objects.count(),
        Activity.objects.filter(verb="moderator_award").count(),
    ) == (0, 0)


@pytest.mark.parametrize("persona", ["member", "suspended"])
def test_a_non_moderator_is_refused_and_nothing_is_written(
    client: Client, request, persona, reply
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url()).status_code == 404
    response = client.post(_url(), _form(reply))

    assert response.status_code == 404
    assert (
        ModeratorReward.objects.count(),
        Activity.objects.filter(verb="moderator_award").count(),
    ) == (0, 0)
    assert BadgeAward.objects.filter(badge__slug="thank-you").count() == 0


def test_the_reward_page_from_a_profile(client: Client, moderator, author) -> None:
    client.force_login(moderator)
    page = client.get(_url())
    assert page.status_code == 200
    response = client.post(_url(), {"points": "7", "reason": "Always helpful", "badge": ""})

    assert (response.status_code, response["Location"]) == (302, "/u/helper/")
    assert list(ModeratorReward.objects.values_list("points", "post_id")) == [(7, None)]


def test_a_moderator_rewards_from_the_profile_menu(client: Client, moderator, author) -> None:
    client.force_login(moderator)
    page = client.get("/u/helper/").content.decode()

    assert page.count('action="/u/helper/reward/"') == 1
    assert '<input type="hidden" name="next" value="/u/helper/">' in page


@pytest.mark.parametrize("persona", ["member", "visitor"])
def test_others_see_no_reward_menu_on_a_profile(client: Client, request, persona, author) -> None:
    if persona == "member":
        client.force_login(request.getfixturevalue("member"))
    assert "/reward/" not in client.get("/u/helper/").content.decode()


def test_the_moderation_queue_links_a_held_post_to_its_reward_form(
    client: Client, moderator, reply
) -> None:
    from community.models import Post

    Post.objects.filter(pk=reply.pk).update(status=Post.Status.HELD)
    client.force_login(moderator)
    page = client.get(reverse("moderation:queue")).content.decode()

    assert f'href="/u/helper/reward/?post={reply.pk}&amp;next=' in page
