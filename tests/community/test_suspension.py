"""A suspended member reads but cannot write; every refusal says why and until when."""

import pytest
from django.urls import reverse
from django.utils.text import slugify

from community.models import Post
from community.services import moderation
from members.models import User
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return start_thread(UserFactory(), CategoryFactory(), title="Still readable thread")


def test_a_suspended_member_reads_and_is_told_why_and_until_when(client, suspended, thread):
    suspended.time_zone = "Europe/Paris"
    suspended.save(update_fields=["time_zone"])
    client.force_login(suspended)

    page = client.get(reverse("community:thread", args=[thread.pk, slugify(thread.title)]))

    content = page.content.decode()
    local = suspended.suspended_until.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert page.status_code == 200
    assert "You can't post right now" in content
    assert f"until {local:%-d %b %Y, %H:%M} (Europe/Paris)" in content
    assert "Reason: Spamming links" in content


def test_a_refused_reply_keeps_the_text_and_says_why(client, suspended, thread):
    client.force_login(suspended)

    response = client.post(
        reverse("community:reply", args=[thread.pk]), {"body": "My long careful answer"}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Your account is suspended until" in content
    assert "My long careful answer" in content
    assert Post.objects.filter(author=suspended).count() == 0


def test_the_api_refusal_names_the_reason_and_the_end(api, suspended, thread):
    api.force_authenticate(suspended)

    response = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Hi"}, format="json")

    body = response.json()
    assert (response.status_code, body["code"]) == (403, "suspended")
    assert "Reason: Spamming links" in body["detail"]
    assert Post.objects.filter(author=suspended).count() == 0


def test_a_suspension_for_good_says_so(client, moderator, member, thread):
    moderation.suspend_member(moderator=moderator, member_id=member.pk, reason="Spam", until=None)
    client.force_login(User.objects.get(pk=member.pk))

    page = client.get(reverse("community:thread", args=[thread.pk, slugify(thread.title)]))

    assert "suspended until a moderator lifts it" in page.content.decode()


def test_the_new_thread_page_tells_a_suspended_member(client, suspended):
    client.force_login(suspended)

    page = client.get(reverse("community:thread-create"))

    assert "Your account is suspended until" in page.content.decode()


def test_a_moderator_suspends_and_lifts_from_the_profile_page(client, moderator, member):
    client.force_login(moderator)
    profile = reverse("members:profile", args=[member.handle])
    page = client.get(profile).content.decode()
    assert "Flag this profile" in page

    client.post(
        reverse("moderation:act"),
        {
            "kind": "member",
            "id": member.pk,
            "action": "suspend",
            "days": "3",
            "reason": "Spam",
            "next": profile,
        },
    )
    suspended_page = client.get(profile).content.decode()
    client.post(
        reverse("moderation:act"),
        {"kind": "member", "id": member.pk, "action": "unsuspend", "next": profile},
    )

    assert "Lift the suspension" in suspended_page
    assert User.objects.get(pk=member.pk).is_suspended is False
    assert list(moderation_actions_for(member).values_list("action", flat=True)) == [
        "unsuspend",
        "suspend",
    ]


def test_a_member_sees_only_the_flag_link_on_another_profile(client, member, vip):
    client.force_login(member)

    page = client.get(reverse("members:profile", args=[vip.handle])).content.decode()

    assert ("Flag this profile" in page, "Send warning" in page) == (True, False)


def moderation_actions_for(member):
    from community.models import ModerationAction

    return ModerationAction.objects.filter(member=member).order_by("-id")


# A moderator's powers wait while they are suspended; staff's never do.


def _suspend(user: User) -> User:
    from datetime import timedelta

    from django.utils import timezone

    user.suspended_until = timezone.now() + timedelta(days=3)
    user.suspension_reason = "Cooling off"
    user.save(update_fields=["suspended_until", "suspension_reason"])
    return user


def test_a_suspended_moderator_cannot_hide_nor_reach_the_queue(client, moderator, thread):
    from community.models import ModerationAction
    from core.exceptions import DomainError

    _suspend(moderator)
    reply = Post.objects.get(thread=thread, number=1)
    with pytest.raises(DomainError):
        moderation.hide_post(moderator=moderator, post_id=reply.pk, reason="Off-topic")
    reply.refresh_from_db()
    assert reply.status == Post.Status.PUBLISHED
    assert ModerationAction.objects.count() == 0
    client.force_login(moderator)
    assert client.get(reverse("moderation:queue")).status_code == 404


def test_a_suspended_category_moderator_cannot_reward_in_their_category(
    client, category_moderator, thread
):
    from core.exceptions import DomainError
    from members.rewards import services as rewards
    from members.rewards.models import ModeratorReward
    from tests.community.factories import CategoryModeratorFactory

    CategoryModeratorFactory(member=category_moderator, category=thread.category)
    _suspend(category_moderator)
    post = Post.objects.get(thread=thread, number=1)
    with pytest.raises(DomainError):
        rewards.reward_member(
            moderator=category_moderator,
            member_id=post.author_id,
            points=10,
            reason="Great answer",
            post_id=post.pk,
        )
    assert ModeratorReward.objects.count() == 0


def test_suspended_staff_keep_their_powers(staff, thread):
    _suspend(staff)
    post = Post.objects.get(thread=thread, number=1)
    moderation.hide_post(moderator=staff, post_id=post.pk, reason="Off-topic")
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN
