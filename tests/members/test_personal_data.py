"""Personal data: export all of mine (and nobody else's), delete my account."""

import io
import json
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from core.models import Delivery, Topic
from members.models import MemberGoal, User
from members.services import set_avatar, update_profile
from tests.core.factories import DeliveryFactory
from tests.members.factories import UserFactory
from tests.members.images import jpeg_with_gps

pytestmark = pytest.mark.django_db


def fresh_login(client, member):
    """Sign in through allauth so the session records a recent authentication."""
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302


@pytest.fixture
def ada():
    ada = UserFactory(handle="ada", email="ada@example.com", headline="Compilers")
    update_profile(
        member=ada,
        fields={"bio": "I write about *parsers*", "birthday_month": 12, "birthday_day": 10},
        topics=Topic.objects.filter(slug__in=["python", "technical-writing"]),
        goals=["blog"],
    )
    return ada


def test_export_contains_the_members_own_data_and_nobody_elses(client, ada):
    UserFactory(handle="grace", email="grace@example.com", headline="COBOL")
    fresh_login(client, ada)

    response = client.post(reverse("members:export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hearth-ada-')
    data = json.loads(response.content)
    assert data["profile"]["handle"] == "ada"
    assert data["profile"]["email"] == "ada@example.com"
    assert data["profile"]["bio"] == "I write about *parsers*"
    assert data["profile"]["topics"] == ["python", "technical-writing"]
    assert data["profile"]["content_goals"] == ["blog"]
    assert data["profile"]["birthday"] == {"month": 12, "day": 10}
    assert data["email_addresses"] == [
        {"email": "ada@example.com", "verified": True, "primary": True}
    ]
    text = response.content.decode()
    assert "grace" not in text
    assert "COBOL" not in text


def test_export_asks_for_the_password_again_after_a_stale_login(client, ada):
    client.force_login(ada)  # no record of a recent authentication in the session

    response = client.post(reverse("members:export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_deleting_the_account_erases_personal_data(
    client, ada, settings, django_capture_on_commit_callbacks
):
    set_avatar(member=ada, upload=io.BytesIO(jpeg_with_gps()), size=None)
    DeliveryFactory(recipient=ada, to_email=ada.email)
    fresh_login(client, ada)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:delete"), {"confirm": "@Ada"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=ada.pk).exists()
    assert not User.objects.filter(email="ada@example.com").exists()
    assert not EmailAddress.objects.filter(email="ada@example.com").exists()
    assert not MemberGoal.objects.filter(member_id=ada.pk).exists()
    assert not Delivery.objects.filter(to_email="ada@example.com").exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    assert "_auth_user_id" not in client.session


def test_deletion_needs_the_handle_typed_and_changes_nothing_otherwise(client, ada):
    fresh_login(client, ada)

    response = client.post(reverse("members:delete"), {"confirm": "someone"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"confirm": ["Type your handle, ada, to confirm."]}
    assert User.objects.filter(pk=ada.pk, is_active=True).exists()
    assert EmailAddress.objects.filter(user=ada).count() == 1
    assert "_auth_user_id" in client.session


def test_deletion_asks_for_the_password_again_after_a_stale_login(client, ada):
    client.force_login(ada)

    response = client.post(reverse("members:delete"), {"confirm": "ada"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=ada.pk, is_active=True).exists()
    assert EmailAddress.objects.filter(user=ada).count() == 1


def test_deleted_members_posts_stay_readable_under_former_member(
    client, ada, django_capture_on_commit_callbacks
):
    from community.models import Post, Thread
    from community.services import posting
    from tests.community.factories import CategoryFactory

    other = UserFactory(handle="grace")
    thread = posting.create_thread(
        author=ada,
        category_id=CategoryFactory().pk,
        title="Parsers in practice",
        body="Ada's opening post",
    )
    posting.reply(author=other, thread_id=thread.pk, body="Grace's reply")
    posting.reply(author=ada, thread_id=thread.pk, body="Ada's follow-up")
    fresh_login(client, ada)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:delete"), {"confirm": "ada"})

    posts = list(Post.objects.filter(thread=thread).order_by("number"))
    assert [(p.author_id is None, p.source) for p in posts] == [
        (True, "Ada's opening post"),
        (False, "Grace's reply"),
        (True, "Ada's follow-up"),
    ]
    assert Thread.objects.get(pk=thread.pk).author is None
    page = client.get(reverse("community:thread-short", args=[thread.pk]), follow=True)
    body = page.content.decode()
    assert page.status_code == 200
    signed_former_member = re.findall(
        r'<h2 class="post-author" id="post-(\d+)-by"><span class="former-member">former member',
        body,
    )
    assert signed_former_member == ["1", "3"]
    assert "Ada's follow-up" in body
    assert "@ada" not in body
    assert reverse("members:profile", args=["ada"]) not in body


def test_deleting_an_account_takes_its_reactions_off_the_counters(client, ada):
    from community.models import Post
    from community.services import engagement, posting
    from tests.community.factories import CategoryFactory

    author = UserFactory(handle="grace")
    thread = posting.create_thread(
        author=author, category_id=CategoryFactory().pk, title="Feedback on my slides", body="Here"
    )
    post = Post.objects.get(thread=thread)
    engagement.add_reaction(member=ada, post_id=post.pk, kind="like")
    engagement.add_reaction(member=UserFactory(), post_id=post.pk, kind="like")
    fresh_login(client, ada)

    client.post(reverse("members:delete"), {"confirm": "ada"})

    assert Post.objects.get(pk=post.pk).like_count == 1
