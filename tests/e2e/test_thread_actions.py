"""Like, watch and accept act in place (no page load); code blocks scroll from the keyboard
and have a Copy button."""

from __future__ import annotations

import pytest

from community.models import Category, Reaction, Subscription, Thread
from community.services import posting
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_LINE = "print('" + "a very long line that scrolls sideways " * 8 + "')"
CODE = f"Try this:\n\n```python\n{LONG_LINE}\n```\n"


@pytest.fixture
def question(transactional_db):
    asker = UserFactory(handle="asker", display_name="Ada Asker", email="ada@example.com")
    helper = UserFactory(handle="helper", display_name="Hal Helper")
    category = Category.objects.create(name="Help", slug="help")
    thread = posting.create_thread(
        author=asker,
        category_id=category.pk,
        title="How do I show long code",
        body="Question?",
        kind=Thread.Kind.QUESTION,
    )
    answer = posting.reply(author=helper, thread_id=thread.pk, body=CODE)
    return asker, thread, answer


def mark_page(page) -> None:
    """Leave a mark on the loaded page: a page load would wipe it."""
    page.evaluate("window.__samePage = true")


def test_like_and_watch_change_without_a_page_load(page, sign_in, question):
    from playwright.sync_api import expect

    asker, thread, answer = question
    sign_in(page, asker.email)
    page.goto(thread.get_absolute_url())
    mark_page(page)
    answer_post = page.locator(f"#post-{answer.number}")

    answer_post.get_by_role("button", name="Like").click()

    liked = answer_post.get_by_role("button", name="Like")
    expect(liked).to_have_attribute("aria-pressed", "true")
    expect(liked).to_contain_text("1")
    expect(liked).to_be_focused()
    assert page.evaluate("window.__samePage") is True
    assert Reaction.objects.filter(post=answer, kind="like").count() == 1

    page.locator("#thread-level summary").click()
    page.get_by_role("button", name="Watching").click()

    expect(page.locator("#thread-level summary")).to_contain_text("Watching")
    expect(
        page.get_by_role("status").filter(has_text="You're watching this thread")
    ).to_be_visible()
    assert page.evaluate("window.__samePage") is True
    assert (
        Subscription.objects.get(member=asker, thread=thread).level == Subscription.Level.WATCHING
    )


def test_accepting_an_answer_marks_it_without_a_page_load(page, sign_in, question):
    from playwright.sync_api import expect

    asker, thread, answer = question
    sign_in(page, asker.email)
    page.goto(thread.get_absolute_url())
    mark_page(page)

    page.get_by_role("button", name="Accept as answer").click()

    expect(page.locator("#thread-status")).to_contain_text("Solved")
    expect(page.locator(f"#post-{answer.number}")).to_contain_text("Accepted answer")
    assert page.evaluate("window.__samePage") is True
    thread.refresh_from_db()
    assert thread.solution_id == answer.pk


def test_code_blocks_scroll_from_the_keyboard_and_copy(page, sign_in, question):
    from playwright.sync_api import expect

    asker, thread, _ = question
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, asker.email)
    page.goto(thread.get_absolute_url())
    code = page.get_by_role("region", name="Code")

    code.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")

    expect(code).to_be_focused()
    for _ in range(20):
        if code.evaluate("pre => pre.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert code.evaluate("pre => pre.scrollLeft") > 0
    page.get_by_role("button", name="Copy the code").click()
    expect(page.get_by_role("button", name="Copy the code")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == LONG_LINE
