"""Account pages do the same expensive work whether an email has an account or not.

Wall time is too noisy to assert on, so these tests count the work that dominates it: the
password hashes computed by the configured hasher (`encode` runs once per hash, both when a
password is stored and when one is checked).
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher
from django.urls import reverse

from members.models import User
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
TAKEN = "taken@example.com"


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password the configured hasher hashes from now on, in order (request it after
    the fixtures that create accounts: their passwords are hashed too)."""
    hasher_class = type(get_hasher("default"))
    original = hasher_class.encode
    hashed: list[str] = []

    def counting_encode(self, password, salt, *args, **kwargs):
        hashed.append(password)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher_class, "encode", counting_encode)
    return hashed


@pytest.fixture
def account_owner():
    return UserFactory(email=TAKEN, handle="owner")


@pytest.mark.parametrize("email", [TAKEN, "new@example.com"])
def test_sign_up_hashes_the_password_once_whether_or_not_the_email_has_an_account(
    client, django_capture_on_commit_callbacks, account_owner, hashes, email
):
    data = {"email": email, "username": "probe", "password1": PASSWORD, "password2": PASSWORD}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), data)

    assert hashes == [PASSWORD]
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_sign_up_with_a_taken_email_creates_nothing(
    client, django_capture_on_commit_callbacks, account_owner, hashes
):
    data = {"email": TAKEN, "username": "probe", "password1": PASSWORD, "password2": PASSWORD}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), data)

    assert list(User.objects.values_list("handle", flat=True)) == ["owner"]
    assert User.objects.get().check_password(PASSWORD) is False
    assert EmailAddress.objects.count() == 1


@pytest.mark.parametrize("email", [TAKEN, "nobody@example.com"])
def test_failed_login_hashes_the_same_twice_whether_or_not_the_email_has_an_account(
    client, account_owner, hashes, email
):
    response = client.post(
        reverse("account_login"), {"login": email, "password": "not-the-password"}
    )

    # Django's ModelBackend, then allauth's backend: each checks the password once, or
    # hashes it once when there is no such account (both do that on purpose).
    assert hashes == ["not-the-password", "not-the-password"]
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("email", [TAKEN, "nobody@example.com"])
def test_password_reset_hashes_nothing_whether_or_not_the_email_has_an_account(
    client, django_capture_on_commit_callbacks, account_owner, hashes, email
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": email})

    assert hashes == []
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


@pytest.mark.parametrize("email", [TAKEN, "fresh@example.com"])
def test_email_change_does_the_same_work_whether_or_not_the_new_email_has_an_account(
    client, django_capture_on_commit_callbacks, member, account_owner, hashes, email
):
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"action_add": "", "email": email})

    assert hashes == []
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")
    # The address waits for verification on the member's account in both cases.
    assert list(
        EmailAddress.objects.filter(user=member).values_list("email", "verified").order_by("pk")
    ) == [("member@example.com", True), (email, False)]
