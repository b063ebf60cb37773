"""A visitor joins, confirms their email, signs out and signs back in, in a real browser."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "ada@example.com"
HANDLE = "ada_lovelace"
PASSWORD = "a-long-and-unusual-passphrase-42"
CONFIRM_PATH = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def wait_for_mail(count: int, timeout: float = 10.0) -> list[mail.EmailMessage]:
    """The live server sends mail on its own thread (on commit, eager Celery): poll the outbox."""
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} email(s), got {len(mail.outbox)}")
        time.sleep(0.05)
    return mail.outbox


@pytest.mark.django_db(transaction=True)
def test_visitor_joins_confirms_email_and_signs_back_in(page, live_server):
    from playwright.sync_api import expect

    header = page.get_by_role("banner")

    page.goto("/")
    header.get_by_role("link", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Join"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Handle").fill(HANDLE)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    expect(header).not_to_contain_text(HANDLE)

    (message,) = wait_for_mail(1)
    assert message.to == [EMAIL]
    match = CONFIRM_PATH.search(message.body)
    assert match, message.body
    # The link's scheme and host come from settings (https in production); keep only the path.
    # Opened in the browser that signed up, the link confirms at once (no extra click).
    page.goto(match.group(1))

    # Confirming signs the new member in and opens onboarding, which can be skipped.
    expect(page.get_by_role("heading", level=1)).to_contain_text(HANDLE)
    expect(header).to_contain_text(HANDLE)
    assert EmailAddress.objects.get(email=EMAIL).verified is True
    page.get_by_role("button", name="Skip for now").click()
    expect(page).to_have_url(live_server.url + "/")

    header.get_by_text(HANDLE, exact=True).click()  # the account menu
    header.get_by_role("button", name="Sign out").click()

    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header).not_to_contain_text(HANDLE)

    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(header).to_contain_text(HANDLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {HANDLE}")
