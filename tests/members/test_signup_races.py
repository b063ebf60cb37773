"""Two sign-ups racing for one email or handle: the database decides, nobody sees a 500."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.forms import SignupForm
from members.models import User
from tests.members.factories import UserFactory

PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up_data(email: str, handle: str) -> dict[str, str]:
    return {"email": email, "username": handle, "password1": PASSWORD, "password2": PASSWORD}


@pytest.fixture
def rival_signs_up_between_check_and_insert(monkeypatch):
    """Make a rival account appear after the form's uniqueness checks passed."""

    def install(**rival):
        original = SignupForm.clean

        def clean(self):
            cleaned = original(self)
            UserFactory(**rival)
            return cleaned

        monkeypatch.setattr(SignupForm, "clean", clean)

    return install


@pytest.mark.django_db
def test_email_taken_mid_signup_shows_the_inbox_page_and_creates_nothing(
    client, django_capture_on_commit_callbacks, rival_signs_up_between_check_and_insert
):
    rival_signs_up_between_check_and_insert(email="race@example.com", handle="first")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), sign_up_data("RACE@example.com", "second"), follow=True
        )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert list(User.objects.values_list("handle", flat=True)) == ["first"]


@pytest.mark.django_db
def test_handle_taken_mid_signup_gets_a_field_message_and_keeps_the_input(
    client, django_capture_on_commit_callbacks, rival_signs_up_between_check_and_insert
):
    rival_signs_up_between_check_and_insert(email="other@example.com", handle="Racer")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), sign_up_data("me@example.com", "racer"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "That handle is taken (handles ignore letter case). Please pick another."
    ]
    assert response.context["form"]["email"].value() == "me@example.com"
    assert not User.objects.filter(email="me@example.com").exists()
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_with_one_email_in_two_cases_make_one_account():
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def sign_up(email: str, handle: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = Client().post(reverse("account_signup"), sign_up_data(email, handle))
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=("twin@example.com", "twin_one")),
        threading.Thread(target=sign_up, args=("TWIN@example.com", "twin_two")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 302]
    assert User.objects.filter(email__iexact="twin@example.com").count() == 1
