"""Pages and emails render inside Hearth's layout, accessibly (Django test client, no browser)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from tests.core.factories import DeliveryFactory

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


def test_header_shows_the_member_and_a_post_sign_out_when_signed_in(client, member):
    client.force_login(member)

    content = client.get(reverse("core:home")).content.decode()

    header = content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert member.name in header
    assert f'<form method="post" action="{reverse("account_logout")}">' in header
    assert reverse("core:outbox") not in header


def test_header_offers_the_outbox_to_staff_only(client, staff):
    client.force_login(staff)

    content = client.get(reverse("core:home")).content.decode()

    assert f'href="{reverse("core:outbox")}"' in content


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


def test_signup_email_has_an_html_version_with_the_same_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "ada@example.com",
                "username": "ada",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    ((html, mime),) = message.alternatives
    assert mime == "text/html"
    assert html.count(f'href="{link}"') == 2  # the button and the raw link
    assert "example.com" not in message.body.replace("ada@example.com", "")


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        (
            "account/email/email_confirmation_message.html",
            {"activate_url": "https://h.test/confirm/k1/"},
            'href="https://h.test/confirm/k1/"',
        ),
        (
            "account/email/email_confirmation_signup_message.html",
            {"activate_url": "https://h.test/confirm/k2/"},
            'href="https://h.test/confirm/k2/"',
        ),
        ("account/email/email_confirmation_message.html", {"code": "ABC123"}, "ABC123"),
        (
            "account/email/password_reset_key_message.html",
            {"password_reset_url": "https://h.test/reset/k3/"},
            'href="https://h.test/reset/k3/"',
        ),
        (
            "account/email/account_already_exists_message.html",
            {"email": "a@h.test", "password_reset_url": "https://h.test/reset/"},
            'href="https://h.test/reset/"',
        ),
        (
            "account/email/unknown_account_message.html",
            {"email": "a@h.test", "signup_url": "https://h.test/join/"},
            'href="https://h.test/join/"',
        ),
        ("account/email/login_code_message.html", {"code": "XYZ789"}, "XYZ789"),
        ("account/email/password_reset_code_message.html", {"code": "QRS456"}, "QRS456"),
        ("account/email/password_changed_message.html", {"ip": "203.0.113.9"}, "203.0.113.9"),
        ("account/email/password_set_message.html", {"ip": "203.0.113.9"}, "203.0.113.9"),
        ("account/email/password_reset_message.html", {"ip": "203.0.113.9"}, "203.0.113.9"),
        ("account/email/email_confirm_message.html", {"ip": "203.0.113.9"}, "203.0.113.9"),
        (
            "account/email/email_changed_message.html",
            {"from_email": "old@h.test", "to_email": "new@h.test"},
            "new@h.test",
        ),
        (
            "account/email/email_deleted_message.html",
            {"deleted_email": "gone@h.test"},
            "gone@h.test",
        ),
        (
            "socialaccount/email/account_connected_message.html",
            {"provider": "GitHub"},
            "GitHub account connected",
        ),
        (
            "socialaccount/email/account_disconnected_message.html",
            {"provider": "GitHub"},
            "GitHub account disconnected",
        ),
    ],
)
def test_account_email_renders_in_the_html_email_layout(template, context, expected):
    html = render_to_string(template, {"site_name": "Hearth", **context})

    assert html.startswith("<!DOCTYPE html>")
    assert expected in html
    assert "<style" not in html  # mail clients drop stylesheets: everything is inline


def test_user_input_in_an_email_is_escaped():
    html = render_to_string(
        "account/email/email_changed_message.html",
        {"from_email": "<b>x</b>@h.test", "to_email": "y@h.test"},
    )

    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;@h.test" in html


def test_server_error_page_renders_without_a_request_or_context():
    html = get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html


def test_missing_page_renders_in_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert LAYOUT_MARK in response.content.decode()


def test_outbox_shows_the_html_body_escaped_in_a_sandboxed_frame(client, staff, settings):
    settings.EMAIL_OUTBOX_SHOWS_BODIES = True
    delivery = DeliveryFactory(html_body='<p class="x">Hi</p><script>alert(1)</script>')
    client.force_login(staff)

    content = client.get(reverse("core:outbox-detail", args=[delivery.pk])).content.decode()

    assert (
        '<iframe class="email-preview" title="HTML version of the email" sandbox srcdoc="'
        "&lt;p class=&quot;x&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        '"></iframe>'
    ) in content
    assert "<script>alert(1)" not in content
