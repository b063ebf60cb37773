"""Search in a real browser: from the header box, words in any order, one entry per thread
with its other matches counted, every post on request, and the query kept in the box."""

from __future__ import annotations

import pytest

from community.services import posting
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_visitor_searches_from_the_header_and_switches_to_every_post(page):
    from playwright.sync_api import expect

    author, helper = UserFactory(), UserFactory()
    help_desk = CategoryFactory(slug="help", name="Help")
    thread = posting.create_thread(
        author=author,
        category_id=help_desk.pk,
        title="Nginx drops websocket connections",
        body="After 60 seconds the proxy closes them.\n\n```nginx\nproxy_read_timeout 60s;\n```",
    )
    posting.reply(author=helper, thread_id=thread.pk, body="Raise the proxy timeout in nginx.")
    posting.reply(author=author, thread_id=thread.pk, body="Nginx timeout raised, the proxy works.")

    page.goto("/forum/")
    header = page.get_by_role("banner")
    header.get_by_role("searchbox", name="Search the forum").fill("proxy nginx")
    header.get_by_role("searchbox", name="Search the forum").press("Enter")

    main = page.get_by_role("main")
    results = main.locator("ol.search-results > li")
    expect(results).to_have_count(1)
    expect(
        results.first.get_by_role("link", name="Nginx drops websocket connections")
    ).to_be_visible()
    expect(results.first.locator("mark").first).to_be_visible()
    expect(results.first).not_to_contain_text("```")
    expect(results.first.get_by_role("link", name="and 2 more matches")).to_be_visible()
    expect(header.get_by_role("searchbox", name="Search the forum")).to_have_value("proxy nginx")

    main.get_by_role("navigation", name="Show results as").get_by_role(
        "link", name="Every post"
    ).click()

    expect(results).to_have_count(3)
    expect(
        main.get_by_role("navigation", name="Show results as").get_by_role(
            "link", name="Every post"
        )
    ).to_have_attribute("aria-current", "page")
    expect(header.get_by_role("searchbox", name="Search the forum")).to_have_value("proxy nginx")
