"""A member flags a post; a moderator hides it from the review queue with one key; the
flagger is told the outcome."""

from __future__ import annotations

import re

import pytest

from community.models import Post
from community.services import posting
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_flagged_post_is_hidden_from_the_queue_with_one_key_and_the_flagger_is_told(
    page, new_page, sign_in
):
    from playwright.sync_api import expect

    room = CategoryFactory(name="Talks", slug="talks")
    flagger = UserFactory(handle="flagger", email="flagger@example.com")
    moderator = UserFactory(handle="mod", email="mod@example.com", is_moderator=True)
    spammer = UserFactory(handle="spammer")
    thread = posting.create_thread(
        author=UserFactory(), category_id=room.pk, title="Which microphone for talks", body="?"
    )
    reply = posting.reply(author=spammer, thread_id=thread.pk, body="Buy followers cheap")

    sign_in(page, flagger.email)
    page.goto(thread.get_absolute_url())
    page.locator("#post-2").get_by_role("link", name="Flag").click()
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("Thanks: moderators will review it.")).to_be_visible()

    moderator_page = new_page()
    sign_in(moderator_page, moderator.email)
    moderator_page.goto("/moderation/queue/")
    expect(moderator_page.get_by_role("heading", name=re.compile("#2 in"))).to_be_visible()
    moderator_page.keyboard.press("h")
    expect(
        moderator_page.get_by_text("Hidden: only its author and moderators see it now.")
    ).to_be_visible()
    expect(moderator_page.get_by_text("Nothing to review")).to_be_visible()

    page.goto("/notifications/")
    page.get_by_role("link", name=re.compile("Thanks: moderators acted on your flag")).click()
    expect(page).to_have_url(re.compile("/moderation/notices/$"))
    expect(
        page.get_by_text(re.compile("Thanks: moderators acted on your flag of post #2"))
    ).to_be_visible()
    page.goto(thread.get_absolute_url())
    expect(page.locator("#post-2")).to_have_count(0)
    assert Post.objects.get(pk=reply.pk).status == "hidden"
