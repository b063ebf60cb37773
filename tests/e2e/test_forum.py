"""A question is asked, answered, accepted and found again, in a real browser."""

from __future__ import annotations

import re

import pytest

from community.models import Category
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Which syntax theme survives a conference projector"
QUESTION = (
    "My code slides wash out on projectors. This is what I show:\n\n"
    "```python\ndef greet(name):\n    return f'hello {name}'\n```\n"
)
ANSWER = "Use a high-contrast light theme and at least 28pt text."


def sign_in(page, email: str) -> None:
    from playwright.sync_api import expect

    header = page.get_by_role("banner")
    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(header.get_by_role("link", name="Sign in")).to_have_count(0)


def sign_out(page, name: str) -> None:
    from playwright.sync_api import expect

    header = page.get_by_role("banner")
    header.get_by_text(name, exact=True).click()  # the account menu
    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()


def test_question_is_answered_accepted_and_found_by_search(page, live_server, transactional_db):
    from playwright.sync_api import expect

    asker = UserFactory(handle="asker", display_name="Ada Asker", email="ada@example.com")
    UserFactory(handle="helper", display_name="Hal Helper", email="hal@example.com")
    Category.objects.create(name="Speaking", slug="speaking", access="public")
    header = page.get_by_role("banner")
    main = page.get_by_role("main")

    # The asker starts a question with a code block.
    page.goto("/")
    sign_in(page, asker.email)
    header.get_by_role("link", name="Forum").click()
    main.get_by_role("link", name="New thread").click()
    page.get_by_role("radio", name=re.compile("^Question")).check()
    page.get_by_label("Category").select_option(label="Speaking")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your post").fill(QUESTION)
    page.get_by_role("button", name="Post thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main.get_by_text("Question, not solved yet")).to_be_visible()
    expect(main.locator("pre.highlight")).to_contain_text("def greet(name):")
    sign_out(page, "Ada Asker")

    # A second member answers; the draft survives a reload and is cleared once posted.
    sign_in(page, "hal@example.com")
    header.get_by_role("link", name="Forum").click()
    main.get_by_role("link", name=TITLE).click()
    answer_box = page.get_by_role("textbox", name="Your answer")
    answer_box.fill(ANSWER)
    answer_box.press("End")  # an input event after fill, so the debounced draft is saved
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('hearth-draft:reply-'))"
    )
    page.reload()
    expect(page.get_by_role("textbox", name="Your answer")).to_have_value(ANSWER)
    page.get_by_role("button", name="Post answer").click()

    expect(page.locator("#post-2")).to_contain_text(ANSWER)
    expect(page.get_by_role("textbox", name="Your answer")).to_have_value("")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hearth-draft:'))") == []
    )
    sign_out(page, "Hal Helper")

    # The asker accepts it.
    sign_in(page, asker.email)
    header.get_by_role("link", name="Forum").click()
    main.get_by_role("link", name=TITLE).click()
    page.locator("#post-2").get_by_role("button", name="Accept as answer").click()

    expect(main.get_by_role("link", name="Solved")).to_be_visible()
    # The answer right after the question is shown once, marked (no summary card above it).
    expect(page.locator("#post-2")).to_contain_text("Accepted answer")
    expect(page.locator("#post-2")).to_contain_text("Hal Helper")
    expect(main.get_by_role("region", name="Accepted answer")).to_have_count(0)
    expect(main.get_by_text(ANSWER)).to_have_count(1)

    # Hal's badges stand beside his name, the highest grade first, each naming its badge.
    page.reload()
    marks = page.locator("#post-2 .post-header").get_by_role("link", name=re.compile("badge"))
    expect(marks).to_have_count(2)
    expect(marks.first).to_have_attribute("title", "First answer badge (bronze)")
    expect(marks.nth(1)).to_have_attribute("title", "First post badge")
    marks.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First answer")

    # And finds the thread again from the header's search box.
    header.get_by_role("searchbox", name="Search the forum").fill("projector")
    header.get_by_role("searchbox", name="Search the forum").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = main.get_by_role("list").filter(has=page.get_by_role("link", name=TITLE))
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(main.get_by_role("status")).to_contain_text("for “projector”")
