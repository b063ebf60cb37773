"""Account emails: an HTML version in Hearth's email layout, links intact, input escaped."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


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
