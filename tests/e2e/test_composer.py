"""The composer in a real browser: Write / Preview, @mention autocomplete, an image pasted
into a reply, similar threads under a question's title."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from community.models import Category, UploadedImage
from community.services import posting
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def thread_page(transactional_db):
    writer = UserFactory(handle="writer", display_name="Wren Writer", email="wren@example.com")
    UserFactory(handle="ada", display_name="Ada Lovelace")
    UserFactory(handle="adam", display_name="Adam Smith")
    general = Category.objects.create(name="General", slug="general")
    thread = posting.create_thread(
        author=UserFactory(), category_id=general.pk, title="Screenshots in talks", body="Hi"
    )
    return writer, thread


def png_base64() -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 140, 90)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_mention_autocomplete_picks_a_member(page, sign_in, thread_page):
    from playwright.sync_api import expect

    writer, thread = thread_page
    sign_in(page, writer.email)
    page.goto(thread.get_absolute_url())
    box = page.get_by_role("textbox", name="Your reply")

    box.press_sequentially("Thanks @ada")
    options = page.get_by_role("listbox", name="Members to mention").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    box.press("ArrowUp")
    page.get_by_role("option", name=re.compile("Ada Lovelace")).click()

    expect(box).to_have_value("Thanks @ada ")
    expect(page.get_by_role("listbox", name="Members to mention")).to_be_hidden()
    box.press_sequentially("and welcome")
    page.get_by_role("button", name="Post reply").click()
    post = page.locator("#post-2")
    expect(post.get_by_role("link", name="@ada")).to_have_attribute("href", "/u/ada/")


def test_an_image_pasted_into_a_reply_appears_in_the_post(page, sign_in, thread_page):
    from playwright.sync_api import expect

    writer, thread = thread_page
    sign_in(page, writer.email)
    page.goto(thread.get_absolute_url())
    box = page.get_by_role("textbox", name="Your reply")
    box.fill("Here is my slide:")
    box.press("End")

    box.evaluate(
        """(textarea, data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const file = new File([bytes], "image.png", { type: "image/png" });
            const transfer = new DataTransfer();
            transfer.items.add(file);
            textarea.dispatchEvent(new ClipboardEvent(
                "paste", { clipboardData: transfer, bubbles: true, cancelable: true }
            ));
        }""",
        png_base64(),
    )

    expect(page.get_by_role("status").filter(has_text="Image added.")).to_be_visible()
    expect(box).to_have_value(
        re.compile(r"^Here is my slide:\n\n!\[screenshot\]\(/media/posts/.+\.webp\)\n$")
    )
    page.get_by_role("button", name="Post reply").click()
    image = page.locator("#post-2").get_by_role("img", name="screenshot")
    expect(image).to_be_visible()
    stored = UploadedImage.objects.get()
    assert image.get_attribute("src") == stored.file.url
    assert image.evaluate("img => img.naturalWidth") == 120


def test_write_preview_shows_the_rendered_post_and_back(page, sign_in, thread_page):
    from playwright.sync_api import expect

    writer, thread = thread_page
    sign_in(page, writer.email)
    page.goto(thread.get_absolute_url())
    box = page.get_by_role("textbox", name="Your reply")
    box.fill("Some **bold** words")

    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(box).to_be_hidden()
    page.get_by_role("button", name="Write").click()
    expect(box).to_be_visible()
    expect(preview).to_be_hidden()


def test_similar_threads_appear_while_a_question_title_is_typed(page, sign_in, thread_page):
    from playwright.sync_api import expect

    writer, _ = thread_page
    Category.objects.create(name="Help", slug="help", default_kind="question")
    posting.create_thread(
        author=UserFactory(),
        category_id=Category.objects.get(slug="help").pk,
        title="Best screenshots workflow for slides",
        body="How?",
    )
    sign_in(page, writer.email)
    page.goto("/forum/new/?category=help")

    expect(page.get_by_role("radio", name=re.compile("^Question"))).to_be_checked()
    page.get_by_label("Title").press_sequentially("Screenshots for my slides?")

    similar = page.get_by_role("region", name=re.compile("Similar threads"))
    expect(similar.get_by_role("link", name="Best screenshots workflow for slides")).to_be_visible()
