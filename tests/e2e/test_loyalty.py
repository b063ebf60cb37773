"""Loyalty in a real browser: a helper sees the points their answer earned, their badge and
tier progress; a moderator grants a badge from its page and the member hears of it; the
tier mark beside a name explains itself."""

from __future__ import annotations

import re

import pytest

from community.services import engagement, posting
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def answered():
    """A question whose reply (by Hal) was liked and accepted; Contributor from 30 points."""
    TierFactory(name="Contributor", slug="contributor", rank=1, points_threshold=30)
    TierFactory(name="Champion", slug="champion", rank=2, points_threshold=300)
    asker = UserFactory(handle="asker", display_name="Ada Asker")
    helper = UserFactory(handle="hal", display_name="Hal Helper", email="hal@example.com")
    question = posting.create_thread(
        author=asker,
        category_id=CategoryFactory(slug="help", name="Help").pk,
        kind="question",
        title="Why does Celery run my task twice?",
        body="It runs twice after each deploy.",
    )
    answer = posting.reply(author=helper, thread_id=question.pk, body="acks_late + a ledger.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)
    return {"question": question, "helper": helper}


def test_a_helper_sees_points_badge_and_tier_progress(page, sign_in, answered):
    from playwright.sync_api import expect

    sign_in(page, "hal@example.com")
    page.get_by_role("banner").get_by_text("Hal Helper").click()
    page.get_by_role("link", name="Points and tier").click()

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Your points")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("37")
    expect(main.get_by_role("row").filter(has_text="Answer accepted")).to_contain_text("+25")
    expect(main.get_by_role("row").filter(has_text="Received a like")).to_contain_text(
        "Why does Celery run my task twice?"
    )

    main.get_by_role("link", name="How tiers work").click()
    progress = page.get_by_test_id("tier-progress")
    expect(progress).to_contain_text("Contributor since")
    expect(progress).to_contain_text("263 points to Champion")
    expect(progress).to_contain_text(re.compile(r"at your pace of the last 90 days, around"))

    page.goto("/badges/")
    expect(page.get_by_role("listitem").filter(has_text="First answer")).to_contain_text(
        "You hold it"
    )

    page.goto(answered["question"].get_absolute_url())
    mark = page.get_by_role("main").get_by_role("link", name="Contributor").first
    expect(mark).to_have_attribute("title", re.compile("Contributor tier: what tiers are"))
    mark.click()
    expect(page).to_have_url(re.compile(r"/loyalty/tiers/#tier-contributor$"))


def test_a_moderator_grants_a_badge_and_the_member_hears_of_it(
    new_page, sign_in, answered, moderator
):
    from playwright.sync_api import expect

    mod = new_page()
    sign_in(mod, moderator.email)
    mod.goto("/badges/thank-you/")
    mod.get_by_label("Members").fill("@hal ghost")
    mod.get_by_label("Reason").fill("Patient answers all week")
    mod.get_by_role("button", name="Grant").click()
    expect(mod.get_by_role("alert")).to_contain_text("No member with the handle @ghost.")
    expect(mod.get_by_label("Reason")).to_have_value("Patient answers all week")

    mod.get_by_label("Members").fill("@hal")
    mod.get_by_role("button", name="Grant").click()
    expect(mod.get_by_text("Granted “Thank you” to 1 member.")).to_be_visible()
    expect(mod.get_by_role("main").get_by_role("listitem")).to_contain_text(
        "Patient answers all week"
    )

    hal = new_page()
    sign_in(hal, "hal@example.com")
    hal.goto("/notifications/")
    expect(hal.get_by_role("main")).to_contain_text("You earned the “Thank you” badge")


def test_a_moderator_rewards_a_reply_in_two_clicks_and_the_author_sees_it(
    new_page, sign_in, answered, moderator
):
    from playwright.sync_api import expect

    mod = new_page()
    sign_in(mod, moderator.email)
    mod.goto(answered["question"].get_absolute_url())
    reply = mod.locator("#post-2")
    reply.get_by_text("Reward", exact=True).click()  # first click: the menu opens
    menu = reply.locator("details.reward-menu")
    expect(menu.get_by_label("Points")).to_have_value("10")
    menu.get_by_label("Badge").select_option(label="Thank you")
    menu.get_by_label("Reason").fill("Found the root cause")
    menu.get_by_label("Public thank-you (optional)").fill("This saved our deploys!")
    menu.get_by_role("button", name="Give reward").click()  # second click: given

    expect(
        mod.get_by_text("You rewarded @hal: 10 points and the “Thank you” badge.")
    ).to_be_visible()
    expect(mod.get_by_role("main")).to_contain_text("thanked hal: This saved our deploys!")

    hal = new_page()
    sign_in(hal, "hal@example.com")
    hal.goto("/notifications/")
    expect(hal.get_by_role("main")).to_contain_text(
        "A moderator rewarded you: 10 points and the “Thank you” badge"
    )
    hal.goto("/loyalty/points/")
    expect(hal.get_by_test_id("balance")).to_have_text("47")
    hal.goto("/loyalty/tiers/")
    expect(hal.get_by_test_id("tier-progress")).to_contain_text("253 points to Champion")
    hal.goto("/u/hal/")
    expect(hal.get_by_role("main")).to_contain_text("Thank you")
    hal.goto(answered["question"].get_absolute_url())
    expect(hal.get_by_role("main")).to_contain_text("This saved our deploys!")
