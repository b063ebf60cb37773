"""Account pages (allauth's, in Hearth's layout): entrance cards, settings navigation and
form errors tied to their field (Django test client, no browser)."""

import re

import pytest
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
LAYOUT_MARK = '<main id="main"'


@pytest.mark.parametrize(
    "path",
    [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_email_verification_sent"),
        reverse("account_inactive"),
        reverse("account_confirm_email", args=["not-a-real-key"]),
        reverse("account_reset_password_from_key", args=["1", "not-a-real-key"]),
    ],
)
def test_entrance_page_renders_as_a_card_in_the_site_layout_when_signed_out(client, path):
    response = client.get(path)

    assert response.status_code == 200
    content = response.content.decode()
    assert LAYOUT_MARK in content
    assert 'class="auth-card"' in content
    assert content.count("<h1") == 1


@pytest.mark.parametrize(
    "url_name",
    ["account_email", "account_change_password", "members:api-token"],
)
def test_settings_page_marks_itself_current_in_the_settings_navigation(client, member, url_name):
    client.force_login(member)
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 200
    assert f'href="{url}" aria-current="page"' in response.content.decode()
    assert response.content.decode().count('aria-current="page"') == 1


def test_signup_errors_are_summarised_and_tied_to_their_field(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ada@example.com",
            "username": "admin",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in content
    assert '<a href="#id_username">Handle: That handle is reserved.' in content
    username_input = re.search(r"<input[^>]*id=\"id_username\"[^>]*>", content).group(0)
    assert 'aria-invalid="true"' in username_input
    assert "id_username_error" in username_input
    assert 'id="id_username_error"' in content
    assert User.objects.count() == 0
