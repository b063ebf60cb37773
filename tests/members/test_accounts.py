"""Sign-up, verification, login and the account rules that protect members."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from core.models import Delivery
from members.models import User
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up(client, django_capture_on_commit_callbacks, **fields):
    data = {
        "email": "ada@example.com",
        "username": "ada",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | fields
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), data, follow=True)


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_new_member_signs_up_verifies_and_reaches_the_api(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert Delivery.objects.get().status == Delivery.Status.SENT

    link = confirmation_link(mail.outbox[0])
    client.get(link)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["handle"] == "ada"
    assert me.json()["email"] == "ada@example.com"


def test_unverified_member_cannot_log_in(client):
    UserFactory(email="new@example.com", email_address__verified=False)

    response = client.post(
        reverse("account_login"),
        {"login": "new@example.com", "password": "correct-horse-battery-staple"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert client.get("/api/v1/me/").status_code == 401


UNUSABLE_LINK = (
    "<p>This email confirmation link expired or is invalid: it may have been used already, "
    "or a newer one was sent.</p>"
)


def test_wrong_confirmation_link_gets_a_clear_page(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 200
    assert UNUSABLE_LINK in response.content.decode()


def test_reused_confirmation_link_confirms_nothing_new(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = confirmation_link(mail.outbox[0])
    client.post(link)
    client.logout()

    response = client.get(link)

    assert response.status_code == 200
    assert UNUSABLE_LINK in response.content.decode()
    assert EmailAddress.objects.filter(email="ada@example.com", verified=True).count() == 1
    assert "_auth_user_id" not in client.session


def test_handle_differing_only_in_case_is_refused_with_a_field_message(
    client, django_capture_on_commit_callbacks
):
    UserFactory(handle="Grace")

    response = sign_up(client, django_capture_on_commit_callbacks, username="gRACE")

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "That handle is taken (handles ignore letter case). Please pick another."
    ]
    assert not User.objects.filter(email="ada@example.com").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("a", "A handle needs at least 2 characters."),
        ("no spaces", "A handle may contain only letters, digits and underscores."),
        ("admin", "That handle is reserved. Please pick another."),
    ],
)
def test_invalid_handle_is_refused_with_a_field_message(
    client, django_capture_on_commit_callbacks, handle, message
):
    response = sign_up(client, django_capture_on_commit_callbacks, username=handle)

    assert response.context["form"].errors == {"username": [message]}
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_email_differing_only_in_case_creates_no_account_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="grace@example.com", handle="grace")
    fresh = sign_up(
        client, django_capture_on_commit_callbacks, email="fresh@example.com", username="fresh"
    )
    client.logout()
    mail.outbox.clear()

    response = sign_up(
        client, django_capture_on_commit_callbacks, email="GRACE@Example.com", username="other"
    )

    assert User.objects.filter(email__iexact="grace@example.com").count() == 1
    assert not User.objects.filter(handle="other").exists()
    # The visitor sees the very page a genuine new sign-up sees.
    assert response.redirect_chain[-1][0] == fresh.redirect_chain[-1][0]
    assert b"already" not in response.content.lower()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "already" in mail.outbox[0].body.lower()


def test_password_reset_page_does_not_reveal_whether_an_email_is_registered(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "nobody@example.com"]


def test_repeated_failed_logins_are_rate_limited_with_a_message(client):
    UserFactory(email="target@example.com")
    attempt = {"login": "target@example.com", "password": "wrong-password"}
    for _ in range(5):
        client.post(reverse("account_login"), attempt)

    response = client.post(
        reverse("account_login"),
        {"login": "target@example.com", "password": "correct-horse-battery-staple"},
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
