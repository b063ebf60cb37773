"""A newcomer's first steps: onboarding asks a name and a picture (both skippable), the
"verify your email" page resends the link (rate-limited), and the link confirms at once in
the browser that signed up."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from PIL import Image

from core.models import Delivery
from members.models import User
from tests.members.factories import UserFactory
from tests.members.images import GPS_IFD, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
ANSWERS = {"skill_level": "intermediate", "topics": ["python"], "goals": [], "time_zone": "UTC"}


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_onboarding_saves_a_display_name_and_a_picture_without_exif(client, settings):
    newbie = UserFactory(onboarded_at=None, display_name="")
    client.force_login(newbie)

    response = client.post(
        reverse("members:onboarding"),
        {**ANSWERS, "display_name": "  Ada Lovelace ", "avatar": upload("me.jpg", jpeg_with_gps())},
    )

    newbie.refresh_from_db()
    assert response.status_code == 302
    assert newbie.display_name == "Ada Lovelace"
    assert newbie.onboarded_at is not None
    picture = Image.open(newbie.avatar.path)
    assert picture.size == (256, 256)
    assert not picture.getexif().get_ifd(GPS_IFD)
    assert len(stored_files(settings)) == 2


def test_onboarding_without_name_or_picture_is_fine(client, settings):
    newbie = UserFactory(onboarded_at=None, display_name="")
    client.force_login(newbie)

    response = client.post(reverse("members:onboarding"), {**ANSWERS, "display_name": ""})

    newbie.refresh_from_db()
    assert response.status_code == 302
    assert (newbie.display_name, newbie.avatar.name) == ("", "")
    assert newbie.onboarded_at is not None
    assert stored_files(settings) == []


def test_a_bad_picture_in_onboarding_keeps_the_answers_and_saves_nothing(client, settings):
    newbie = UserFactory(onboarded_at=None, display_name="")
    client.force_login(newbie)

    response = client.post(
        reverse("members:onboarding"),
        {**ANSWERS, "display_name": "Ada", "avatar": upload("me.png", b"not a picture")},
    )

    newbie.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {"avatar": ["That file is not an image we can read."]}
    assert response.context["form"]["display_name"].value() == "Ada"
    assert (newbie.display_name, newbie.skill_level, newbie.onboarded_at) == ("", "", None)
    assert stored_files(settings) == []


def test_onboarding_shows_the_name_and_picture_questions(client):
    client.force_login(UserFactory(onboarded_at=None, display_name="Ada"))

    content = client.get(reverse("members:onboarding")).content.decode()

    assert 'name="display_name" value="Ada"' in content
    assert 'type="file" name="avatar"' in content
    assert 'enctype="multipart/form-data"' in content


# --- Verifying the email address ---------------------------------------------------------------


def sign_up(client, django_capture_on_commit_callbacks):
    data = {"email": "ada@example.com", "username": "ada", "password1": PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), data | {"password2": PASSWORD}, follow=True)


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_verify_page_offers_to_send_the_link_again(client, django_capture_on_commit_callbacks):
    page = sign_up(client, django_capture_on_commit_callbacks)

    content = page.content.decode()
    assert f'action="{reverse("members:resend-confirmation")}"' in content
    assert "Send the link again" in content


def test_resending_sends_a_new_link_once_the_rate_limit_allows(
    client, django_capture_on_commit_callbacks, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "2/3m/key"}
    sign_up(client, django_capture_on_commit_callbacks)
    resend = reverse("members:resend-confirmation")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(resend, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(resend, follow=True)

    assert first.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [["ada@example.com"], ["ada@example.com"]]
    assert "Confirmation email sent to ada@example.com." in first.content.decode()
    assert "We sent a link a moment ago." in second.content.decode()
    assert Delivery.objects.count() == 2


def test_resending_without_a_waiting_sign_up_asks_to_sign_in(client):
    response = client.post(reverse("members:resend-confirmation"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "we send a new link then" in response.content.decode()
    assert len(mail.outbox) == 0


def test_the_link_confirms_at_once_in_the_browser_that_signed_up(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = confirmation_link(mail.outbox[0])

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:onboarding")
    assert EmailAddress.objects.get(email="ada@example.com").verified is True


def test_the_link_asks_for_a_click_in_another_browser(
    client, django_capture_on_commit_callbacks, django_user_model
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = confirmation_link(mail.outbox[0])
    client.cookies.clear()  # a mail scanner, or another device: no sign-up session

    response = client.get(link)

    assert response.status_code == 200
    assert f'action="{link}"' in response.content.decode()
    assert EmailAddress.objects.get(email="ada@example.com").verified is False
    assert User.objects.get(handle="ada").onboarded_at is None


# --- One vocabulary: content goals and topics ---------------------------------------------------


def test_onboarding_asks_each_interest_once(client):
    from core.models import Topic
    from members.models import GOAL_TOPICS, ContentGoal

    client.force_login(UserFactory(onboarded_at=None))

    form = client.get(reverse("members:onboarding")).context["form"]

    topic_names = {label for _, label in form.fields["topics"].choices}
    goal_names = {label for _, label in form.fields["goals"].choices}
    craft_names = set(
        Topic.objects.filter(slug__in=GOAL_TOPICS.values()).values_list("name", flat=True)
    )
    assert topic_names & craft_names == set()
    assert goal_names == set(ContentGoal.labels)
    assert len(craft_names) == 6


def test_following_a_craft_topic_is_the_goal_and_the_goal_follows_the_topic():
    from core.models import Topic
    from members.services import update_profile

    member = UserFactory()

    update_profile(
        member=member,
        fields={},
        topics=Topic.objects.filter(slug__in=["python", "public-speaking"]),
    )
    after_topics = sorted(member.goals.values_list("goal", flat=True))
    update_profile(member=member, fields={}, goals=["video"])

    assert after_topics == ["talks"]
    assert sorted(member.goals.values_list("goal", flat=True)) == ["video"]
    assert sorted(member.topics.values_list("slug", flat=True)) == ["python", "video"]


def test_the_migration_puts_goals_and_craft_topics_in_step():
    import importlib

    from django.apps import apps

    from core.models import Topic
    from members.models import MemberGoal

    migration = importlib.import_module("members.migrations.0011_goals_and_craft_topics_in_step")
    follower = UserFactory()
    follower.topics.set(Topic.objects.filter(slug__in=["video", "python"]))
    creator = UserFactory()
    MemberGoal.objects.create(member=creator, goal="talks")

    migration.forward(apps, None)

    assert list(follower.goals.values_list("goal", flat=True)) == ["video"]
    assert sorted(follower.topics.values_list("slug", flat=True)) == ["python", "video"]
    assert list(creator.topics.values_list("slug", flat=True)) == ["public-speaking"]
