"""More of the forum in a real browser: categories and watching, access, editing and history,
reactions, quoting, unread, For you, moderation and the thread page on a phone."""

from __future__ import annotations

import re

import pytest

from community.models import Category, Reaction, Subscription
from community.services import posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def speaking():
    return CategoryFactory(name="Speaking", slug="speaking", description="Talks and slides.")


@pytest.fixture
def asker():
    return UserFactory(handle="asker", display_name="Ada Asker", email="ada@example.com")


@pytest.fixture
def reader():
    return UserFactory(handle="reader", display_name="Rui Reader", email="rui@example.com")


def start_thread(author, category, title, body="Opening post text.", **kwargs):
    return posting.create_thread(
        author=author, category_id=category.pk, title=title, body=body, **kwargs
    )


def test_member_watches_a_category_found_from_the_categories_index(page, sign_in, reader, speaking):
    from playwright.sync_api import expect

    CategoryFactory(name="Writing", slug="writing")
    start_thread(reader, speaking, "Clicker or keyboard for slides")
    main = page.get_by_role("main")
    sign_in(page, reader.email)

    page.goto("/forum/categories/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Categories")
    card = main.get_by_role("listitem").filter(has=page.get_by_role("link", name="Speaking"))
    expect(card).to_contain_text("Talks and slides.")
    expect(card).to_contain_text("1 thread")
    card.get_by_role("link", name="Speaking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Speaking")
    expect(main.get_by_role("link", name="Clicker or keyboard for slides")).to_be_visible()
    level_menu = main.get_by_text("Notifications for Speaking:")
    expect(main.locator(".level-menu summary")).to_contain_text("Normal")
    main.locator(".level-menu summary").click()
    main.get_by_role("button", name="Watching Every new post.").click()

    expect(page.locator(".messages")).to_contain_text("You're watching Speaking")
    expect(main.locator(".level-menu summary")).to_contain_text("Watching")
    assert list(
        Subscription.objects.filter(member=reader, category=speaking).values_list(
            "level", flat=True
        )
    ) == ["watching"]
    main.locator(".level-menu summary").click()
    main.get_by_role("button", name="Muted").click()

    expect(page.locator(".messages")).to_contain_text("Speaking is muted")
    expect(level_menu).to_have_count(1)
    assert list(
        Subscription.objects.filter(member=reader, category=speaking).values_list(
            "level", flat=True
        )
    ) == ["muted"]


def test_visitor_does_not_see_a_members_only_thread(page, asker, speaking):
    from playwright.sync_api import expect

    lounge = CategoryFactory(name="Lounge", slug="lounge", access=Category.Access.MEMBERS)
    start_thread(asker, speaking, "An open thread about slides")
    hidden = start_thread(asker, lounge, "A members-only thread about rates")
    main = page.get_by_role("main")

    page.goto("/forum/")

    expect(main.get_by_role("link", name="An open thread about slides")).to_be_visible()
    expect(main.get_by_text("A members-only thread about rates")).to_have_count(0)
    expect(main.get_by_role("link", name="Lounge")).to_have_count(0)
    page.goto("/forum/categories/")
    expect(main.get_by_role("link", name="Speaking")).to_be_visible()
    expect(main.get_by_role("link", name="Lounge")).to_have_count(0)
    assert page.goto(hidden.get_absolute_url()).status == 404
    assert page.goto("/c/lounge/").status == 404


def test_member_edits_their_post_and_the_history_keeps_the_previous_version(
    page, sign_in, asker, speaking
):
    from playwright.sync_api import expect

    thread = start_thread(asker, speaking, "Slides in Markdown", body="I use **Marp** for slides.")
    main = page.get_by_role("main")
    sign_in(page, asker.email)
    page.goto(thread.get_absolute_url())

    page.locator("#post-1").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the opening post")
    text = page.get_by_role("textbox", name="Text")
    expect(text).to_have_value("I use **Marp** for slides.")
    text.fill("I moved from Marp to **Slidev** last year.")
    main.get_by_role("button", name="Save changes").click()

    expect(page.locator(".messages")).to_contain_text("Your edit is saved.")
    first = page.locator("#post-1")
    expect(first.locator(".post-body")).to_have_text("I moved from Marp to Slidev last year.")
    first.get_by_role("link", name="edited").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit history")
    current = main.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Current version")
    )
    original = main.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Original version")
    )
    expect(current.locator(".prose")).to_have_text("I moved from Marp to Slidev last year.")
    expect(original.locator(".prose")).to_have_text("I use Marp for slides.")
    expect(original.locator(".prose strong")).to_have_text("Marp")


def test_member_likes_someone_elses_post_then_takes_it_back(page, sign_in, asker, reader, speaking):
    from playwright.sync_api import expect

    thread = start_thread(asker, speaking, "Dark or light slides")
    sign_in(page, reader.email)
    page.goto(thread.get_absolute_url())
    like = page.locator("#post-1").get_by_role("button", name=re.compile("^Like"))
    count = page.locator("#post-1").locator(".reaction-count")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_count(0)

    like.click()

    expect(like).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(["1"])
    assert Reaction.objects.filter(member=reader, kind="like").count() == 1
    like.click()

    expect(like).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_count(0)
    assert Reaction.objects.filter(member=reader).count() == 0


def test_quote_puts_the_post_into_the_reply_box_in_place_and_is_posted(
    page, sign_in, asker, reader, speaking
):
    from playwright.sync_api import expect

    thread = start_thread(asker, speaking, "Projector colours", body="Dark themes wash out.")
    sign_in(page, reader.email)
    page.goto(thread.get_absolute_url())
    box = page.get_by_role("textbox", name="Your reply")

    page.locator("#post-1").get_by_role("link", name="Quote").click()

    expect(box).to_have_value("> **@asker** wrote:\n>\n> Dark themes wash out.\n\n")
    expect(box).to_be_focused()
    expect(page).to_have_url(re.compile(r"/t/\d+/projector-colours/$"))  # no page change
    page.keyboard.type("Same here, light themes win.")
    page.get_by_role("button", name="Post reply").click()

    reply = page.locator("#post-2")
    expect(reply.locator("blockquote")).to_contain_text("@asker wrote:")
    expect(reply.locator("blockquote")).to_contain_text("Dark themes wash out.")
    expect(reply.locator(".post-body > p")).to_have_text("Same here, light themes win.")


def test_unread_marker_leads_to_the_new_post(
    page, new_page, sign_in, asker, reader, speaking, live_server
):
    from playwright.sync_api import expect

    thread = start_thread(asker, speaking, "Conference talk proposals")
    main = page.get_by_role("main")
    sign_in(page, reader.email)
    page.goto(thread.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Conference talk proposals")

    # The asker replies from their own browser.
    other = new_page()
    sign_in(other, asker.email)
    other.goto(thread.get_absolute_url())
    other.get_by_role("textbox", name="Your reply").fill("The CFP closes on Friday.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.locator("#post-2")).to_contain_text("The CFP closes on Friday.")

    page.goto("/forum/")
    row = main.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Conference talk proposals")
    )
    row.get_by_role("link", name="1 unread post").click()

    expect(page).to_have_url(re.compile(rf"/t/{thread.pk}/conference-talk-proposals/#post-2$"))
    expect(main.get_by_text("New since your last visit")).to_be_visible()
    expect(page.locator("#post-2")).to_be_in_viewport()
    expect(page.locator("#post-2")).to_contain_text("The CFP closes on Friday.")


def test_for_you_recommends_a_thread_in_a_followed_topic_with_the_reason(
    page, sign_in, asker, reader, speaking
):
    from playwright.sync_api import expect

    python = Topic.objects.get(slug="python")
    reader.topics.set([python])
    start_thread(asker, speaking, "Live coding Python on stage", topics=[python])
    start_thread(asker, speaking, "Which microphone for a meetup")
    main = page.get_by_role("main")
    sign_in(page, reader.email)

    page.goto("/forum/")
    main.get_by_role("navigation", name="Which threads").get_by_role("link", name="For you").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("For you")
    row = main.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Live coding Python on stage")
    )
    expect(row.locator(".thread-row-reason")).to_have_text("Because you follow Python")
    first_title = main.locator(".thread-row-title a").first
    expect(first_title).to_have_text("Live coding Python on stage")


def test_moderator_pins_and_locks_a_thread_and_a_member_can_no_longer_reply(
    page, new_page, sign_in, asker, reader, speaking, moderator
):
    from playwright.sync_api import expect

    thread = start_thread(asker, speaking, "Read this before posting")
    start_thread(asker, speaking, "A newer thread")
    main = page.get_by_role("main")
    status = main.locator(".thread-status")
    sign_in(page, moderator.email)
    page.goto(thread.get_absolute_url())

    main.get_by_text("Moderate", exact=True).click()
    main.get_by_role("button", name="Pin in Speaking").click()
    expect(page.locator(".messages")).to_contain_text("Thread updated.")
    expect(status).to_contain_text("Pinned in Speaking")
    main.get_by_text("Moderate", exact=True).click()
    main.get_by_role("button", name="Lock: no new replies").click()
    expect(status).to_contain_text("Locked")

    member_page = new_page()
    sign_in(member_page, reader.email)
    member_page.goto("/c/speaking/")
    pinned = member_page.get_by_role("region", name="Pinned")
    expect(pinned.locator(".thread-row-title a")).to_have_text(["Read this before posting"])
    expect(pinned).to_contain_text("Locked:")
    pinned.get_by_role("link", name="Read this before posting").click()

    member_main = member_page.get_by_role("main")
    expect(member_main.locator(".thread-status")).to_contain_text("Locked")
    expect(member_main.get_by_text("This thread is locked")).to_be_visible()
    expect(member_page.get_by_role("textbox", name="Your reply")).to_have_count(0)
    expect(member_main.get_by_role("link", name="Quote")).to_have_count(0)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_thread_page_fits_a_phone_and_its_menu_opens_the_navigation(
    new_page, sign_in, asker, reader, speaking, signed_in
):
    from playwright.sync_api import expect

    body = (
        "My build prints this when the slides compile:\n\n"
        "```text\n" + "warning: " + "x" * 200 + "\n```\n\n"
        "Docs: https://example.com/" + "a-very-long-path-segment-" * 6 + "\n"
    )
    thread = start_thread(asker, speaking, "Why does my slide build warn", body=body)
    posting.reply(author=reader, thread_id=thread.pk, body="Pin the theme version.")
    page = new_page(viewport=PHONE)
    if signed_in:
        sign_in(page, reader.email)
    header = page.get_by_role("banner")
    nav = header.get_by_role("navigation", name="Main")

    page.goto(thread.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Why does my slide build warn")
    expect(page.locator("#post-2")).to_contain_text("Pin the theme version.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu = header.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Members")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Members")).to_be_visible()
    expect(nav.get_by_role("link", name="Forum")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
