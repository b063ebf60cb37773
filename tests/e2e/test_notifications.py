"""A mention lights the other member's bell without a reload; opening it lands on the post."""

from __future__ import annotations

import re

import pytest

from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: The bell polls every 20 seconds; allow one poll and a margin.
POLL_WAIT_MS = 30_000


def test_a_mention_lights_the_bell_and_opening_it_lands_on_the_post(
    page, new_page, sign_in, live_server
):
    from playwright.sync_api import expect

    CategoryFactory(name="Talks", slug="talks")
    writer = UserFactory(handle="writer", display_name="Wren Writer", email="wren@example.com")
    reader = UserFactory(handle="reader", display_name="Rae Reader", email="rae@example.com")
    reader_page = new_page()
    sign_in(reader_page, reader.email)
    reader_page.goto("/forum/")
    bell = reader_page.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications"))
    expect(bell).to_have_accessible_name("Notifications")

    sign_in(page, writer.email)
    page.goto("/forum/new/?category=talks")
    page.get_by_label("Title").fill("Rehearsing a talk out loud")
    page.get_by_label("Your post").fill("How do you rehearse, @reader?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rehearsing a talk out loud")

    expect(bell).to_have_accessible_name("Notifications 1 unread", timeout=POLL_WAIT_MS)
    bell.click()
    reader_page.get_by_role("link", name=re.compile("Wren Writer mentioned you in")).click()

    expect(reader_page).to_have_url(re.compile(r"/t/\d+/rehearsing-a-talk-out-loud/#post-1$"))
    expect(reader_page.locator("#post-1")).to_contain_text("How do you rehearse, @reader?")
    expect(bell).to_have_accessible_name("Notifications")
