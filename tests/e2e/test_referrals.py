"""Referrals in a real browser: a member copies their link, a peer follows it and joins,
and the member sees the referral on their page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from members.referrals.models import Referral
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


def test_a_peer_joins_through_a_members_link_and_the_member_sees_it(new_page, sign_in):
    from playwright.sync_api import expect

    grace = UserFactory(handle="grace", display_name="Grace Hopper", email="grace@example.com")
    mine = new_page()
    sign_in(mine, grace.email)
    mine.goto("/settings/referrals/")
    link = mine.get_by_role("textbox", name="Link").input_value()
    expect(mine.get_by_role("button", name="Copy")).to_be_visible()  # shown by the script

    peer = new_page()
    peer.goto(urlsplit(link).path)
    expect(peer.get_by_role("heading", level=1)).to_have_text("Grace Hopper invites you to Hearth")
    peer.get_by_role("main").get_by_role("link", name="Join Hearth").click()
    peer.get_by_label("Email").fill("ada@example.com")
    peer.get_by_label("Handle").fill("ada")
    peer.get_by_label("Password", exact=True).fill(PASSWORD)
    peer.get_by_label("Password (again)").fill(PASSWORD)
    peer.get_by_role("button", name="Create account").click()
    expect(peer.get_by_role("heading", name="Verify your email address")).to_be_visible()

    mine.reload()
    row = mine.get_by_role("row", name=re.compile("@ada"))
    # Both browsers share this machine's network: the referral waits for a staff check.
    expect(row).to_contain_text("Waiting for a staff check")
    expect(mine.locator("#referral-tally")).to_have_text(
        "0 rewarded of at most 10, 1 waiting, 0 points earned."
    )
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred.handle) == (grace, "ada")
    assert (referral.status, referral.flag_reasons) == ("pending", "same network")
