"""The leaderboards in a real browser: a member finds their place and switches boards."""

from __future__ import annotations

import pytest

from members.loyalty import ledger
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_member_sees_the_board_and_their_place(new_page, sign_in):
    from playwright.sync_api import expect

    ann = UserFactory(handle="ann", display_name="Ann Able")
    me = UserFactory(handle="me", display_name="Mia Me", email="mia@example.com")
    UserFactory(handle="boss", display_name="Boss Staff", staff=True)
    ledger.record(member_id=ann.pk, verb="answer_accepted", key="a1", actor_id=me.pk)
    ledger.record(member_id=me.pk, verb="thread_started", key="t1")
    page = new_page()
    sign_in(page, me.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leaderboard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Leaderboard: This week")
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("#1")
    expect(rows.nth(1)).to_contain_text("Ann Able")
    expect(rows.nth(2)).to_contain_text("Mia Me")
    expect(page.locator("#my-place")).to_have_text("Your place: #2 with 5 points.")
    page.get_by_role("navigation", name="Boards").get_by_role("link", name="Top helpers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaderboard: Top helpers")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Ann: one accepted answer
