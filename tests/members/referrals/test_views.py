"""Referral pages and API: the link's landing page, a sign-up through it (within the
window), the member's referrals with what each earned, staff review in the admin."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from members.referrals import identity
from members.referrals.models import Referral, ReferralLink
from tests.members.factories import UserFactory
from tests.members.referrals.factories import ReferralFactory, ReferralLinkFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up(client, capture, email="ada@example.com", handle="ada", **extra):
    data = {"email": email, "username": handle, "password1": PASSWORD, "password2": PASSWORD}
    with capture(execute=True):
        return client.post(reverse("account_signup"), data, follow=True, **extra)


def test_the_link_page_names_the_referrer_and_remembers_the_code(client):
    link = ReferralLinkFactory(member=UserFactory(display_name="Grace Hopper"))

    response = client.get(reverse("members:join", args=[link.code]))

    assert response.status_code == 200
    assert "Grace Hopper invites you" in response.content.decode()
    assert identity.REFERRAL_COOKIE in response.cookies
    assert len(response.cookies[identity.DEVICE_COOKIE].value) == 32


def test_an_unknown_link_is_not_found(client):
    response = client.get(reverse("members:join", args=["nope"]))

    assert response.status_code == 404
    assert identity.REFERRAL_COOKIE not in response.cookies


def test_a_member_following_a_link_is_not_referred(client, member):
    link = ReferralLinkFactory()
    client.force_login(member)

    response = client.get(reverse("members:join", args=[link.code]))

    assert response.status_code == 200
    assert "You are already a member" in response.content.decode()
    assert identity.REFERRAL_COOKIE not in response.cookies


def test_a_sign_up_through_the_link_records_the_referrer(
    client, django_capture_on_commit_callbacks
):
    link = ReferralLinkFactory()
    client.get(reverse("members:join", args=[link.code]), REMOTE_ADDR="198.51.100.20")

    sign_up(client, django_capture_on_commit_callbacks, REMOTE_ADDR="198.51.100.20")

    referral = Referral.objects.get()
    assert (referral.referrer_id, referral.referred.handle) == (link.member_id, "ada")
    assert (referral.status, referral.flag_reasons) == ("pending", "")


def test_a_sign_up_after_the_window_records_nothing(
    client, settings, django_capture_on_commit_callbacks
):
    link = ReferralLinkFactory()
    long_ago = time.time() - (settings.REFERRAL_WINDOW_DAYS + 1) * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        value = signing.get_cookie_signer(
            salt=identity.REFERRAL_COOKIE + identity.REFERRAL_COOKIE_SALT
        ).sign(link.code)
    client.cookies[identity.REFERRAL_COOKIE] = value

    sign_up(client, django_capture_on_commit_callbacks)

    assert Referral.objects.count() == 0


def test_a_sign_up_from_the_referrers_browser_is_flagged(
    client, django_capture_on_commit_callbacks
):
    referrer = UserFactory()
    client.force_login(referrer)
    client.get(reverse("members:referrals"))  # the referrer copies their link here
    code = ReferralLink.objects.get(member=referrer).code
    device = client.cookies[identity.DEVICE_COOKIE].value
    client.logout()  # the test client forgets every cookie; a browser keeps the device id
    client.cookies[identity.DEVICE_COOKIE] = device
    client.get(reverse("members:join", args=[code]))

    sign_up(client, django_capture_on_commit_callbacks)

    referral = Referral.objects.get()
    assert (referral.status, referral.flag_reasons) == ("pending", "same network, same device")


def test_referrals_page_shows_the_link_and_what_each_referral_earned(client, member):
    ReferralFactory(
        referrer=member,
        referred=UserFactory(handle="newbie"),
        acted=True,
        status="activated",
        activated_at="2026-01-02T10:00:00Z",
        referrer_points=50,
        is_referrer_rewarded=True,
    )
    client.force_login(member)

    response = client.get(reverse("members:referrals"))

    body = response.content.decode()
    code = ReferralLink.objects.get(member=member).code
    assert response.status_code == 200
    assert f"/join/{code}/" in body
    assert "1 rewarded of at most 10, 0 waiting, 50 points earned." in body
    assert "@newbie" in body


@pytest.mark.parametrize("count", [1, 30])
def test_referrals_page_query_count_is_constant(client, member, django_assert_num_queries, count):
    ReferralLinkFactory(member=member)
    ReferralFactory.create_batch(count, referrer=member)
    client.force_login(member)

    # user, link, tally, page, unread count, email health (base page), sightings upsert
    with django_assert_num_queries(7):
        response = client.get(reverse("members:referrals"))

    assert response.status_code == 200


def test_referrals_page_needs_a_signed_in_member(client):
    response = client.get(reverse("members:referrals"))

    assert response.status_code == 302
    assert ReferralLink.objects.count() == 0


def test_referrals_api_lists_what_each_referral_earned(api, member):
    ReferralLinkFactory(member=member, code="abc123")
    ReferralFactory(
        referrer=member,
        referred=UserFactory(handle="newbie", display_name="New Bie"),
        acted=True,
        status="activated",
        activated_at="2026-01-02T10:00:00Z",
        referrer_points=50,
        is_referrer_rewarded=True,
    )
    api.force_authenticate(member)

    response = api.get("/api/v1/me/referrals/")

    data = response.json()
    assert response.status_code == 200
    assert (data["code"], data["link"]) == ("abc123", "http://testserver/join/abc123/")
    assert (data["rewarded_count"], data["pending_count"], data["points_earned"]) == (1, 0, 50)
    assert [(r["handle"], r["status"], r["points_earned"]) for r in data["results"]] == [
        ("newbie", "activated", 50)
    ]
    assert data["next"] is None


def test_referrals_api_pages_by_cursor(api, member, monkeypatch):
    monkeypatch.setattr("members.referrals.selectors.PAGE_SIZE", 2)
    ReferralLinkFactory(member=member)
    oldest, middle, newest = ReferralFactory.create_batch(3, referrer=member)
    api.force_authenticate(member)

    first = api.get("/api/v1/me/referrals/").json()
    second = api.get("/api/v1/me/referrals/", {"before": first["next_cursor"]}).json()

    assert [r["id"] for r in first["results"]] == [newest.pk, middle.pk]
    assert [r["id"] for r in second["results"]] == [oldest.pk]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("count", [1, 30])
def test_referrals_api_query_count_is_constant(api, member, django_assert_num_queries, count):
    ReferralLinkFactory(member=member)
    ReferralFactory.create_batch(count, referrer=member)
    api.force_authenticate(member)

    with django_assert_num_queries(3):  # link, tally, page
        response = api.get("/api/v1/me/referrals/")

    assert response.status_code == 200


def test_referrals_api_refuses_a_visitor(api):
    response = api.get("/api/v1/me/referrals/")

    assert response.status_code == 401
    assert ReferralLink.objects.count() == 0


def test_staff_approve_a_flagged_referral_from_the_admin(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(staff=True, is_superuser=True)
    referral = ReferralFactory(acted=True, flagged=True)
    client.force_login(admin)
    url = reverse("admin:members_referral_changelist")
    listing = client.get(url, {"review": "waiting"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "approve_referrals", "_selected_action": [referral.pk]})

    referral.refresh_from_db()
    assert listing.status_code == 200
    assert (referral.status, referral.reviewed_by) == ("activated", admin)
