"""Member pages in a real browser: onboarding, profile and avatar, the directory, settings
(notifications, privacy, API token) and the staff outbox."""

from __future__ import annotations

import json
import re
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from rest_framework.authtoken.models import Token

from core.models import Topic
from members.models import User
from tests.core.factories import DeliveryFactory
from tests.members.factories import DEFAULT_PASSWORD, UserFactory
from tests.members.images import GPS_IFD, jpeg_with_gps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

#: allauth's session key for the sign-ins of this session (no public accessor).
AUTH_RECORDS_KEY = "account_authentication_methods"


def age_sign_in(page, seconds: int) -> None:
    """Make this browser's sign-in look `seconds` old, so sensitive pages ask again."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    records = session[AUTH_RECORDS_KEY]
    assert records, "the sign-in left no authentication record"
    session[AUTH_RECORDS_KEY] = [{**r, "at": time.time() - seconds} for r in records]
    session.save()


# --- Onboarding ---------------------------------------------------------------------------------


def test_new_member_lands_in_onboarding_and_saves_it_on_the_way_home(new_page, live_server):
    from playwright.sync_api import expect

    member = UserFactory(
        handle="nia", display_name="Nia Newcomer", email="nia@example.com", onboarded_at=None
    )
    page = new_page(timezone_id="Europe/Berlin")
    main = page.get_by_role("main")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/welcome/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nice to meet you, Nia Newcomer")
    main.get_by_role("radio", name="Intermediate").check()
    main.get_by_role("checkbox", name="Python", exact=True).check()
    main.get_by_role("checkbox", name="DevOps", exact=True).check()
    main.get_by_role("checkbox", name="Talks", exact=True).check()
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    main.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".messages")).to_contain_text("Welcome aboard!")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nia Newcomer")
    standing = main.get_by_role("region", name="Your standing")
    expect(standing).to_contain_text("No tier yet")
    expect(standing.get_by_role("link", name="0 badges")).to_be_visible()
    standing.get_by_role("link", name="0 points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your points")
    member.refresh_from_db()
    assert member.onboarded_at is not None
    assert member.skill_level == "intermediate"
    assert member.time_zone == "Europe/Berlin"
    # "Talks" is the goal, and its craft's topic is followed with it (one vocabulary)
    assert sorted(member.topics.values_list("slug", flat=True)) == [
        "devops",
        "public-speaking",
        "python",
    ]
    assert list(member.goals.values_list("goal", flat=True)) == ["talks"]


def test_onboarding_preselects_the_time_zone_of_the_browser(new_page, sign_in, live_server):
    from playwright.sync_api import expect

    member = UserFactory(email="tz@example.com", onboarded_at=None)
    page = new_page(timezone_id="Europe/Berlin")
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Berlin"

    sign_in(page, member.email)

    expect(page).to_have_url(live_server.url + "/welcome/")
    page.wait_for_load_state("load")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin", timeout=2_000)


# --- Profile and avatar -------------------------------------------------------------------------


def test_member_edits_profile_and_avatar_and_sees_them_on_the_public_profile(
    page, sign_in, tmp_path
):
    from playwright.sync_api import expect

    member = UserFactory(handle="ada", display_name="Ada Lovelace", email="ada@example.com")
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(jpeg_with_gps())
    main = page.get_by_role("main")
    messages = page.locator(".messages")

    sign_in(page, member.email)
    page.goto("/settings/profile/")
    page.get_by_label("New picture").set_input_files(photo)
    main.get_by_role("button", name="Upload picture").click()
    expect(messages).to_contain_text("Your new picture is saved.")

    page.get_by_label("Headline").fill("Backend engineer writing about Postgres")
    page.get_by_label("Bio").fill("I write about **query plans** and indexes.")
    page.get_by_label("GitHub").fill("https://github.com/ada")
    page.get_by_label("Birthday month").select_option(label="March")
    page.get_by_label("Birthday day").select_option(label="14")
    page.get_by_label("Show my birthday on my profile").check()
    main.get_by_role("button", name="Save profile").click()
    expect(messages).to_contain_text("Your profile is saved.")

    main.get_by_role("link", name="View your profile").click()
    expect(page).to_have_url(re.compile(r"/u/ada/$"))
    profile = page.get_by_role("article")
    expect(profile.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(profile.locator(".profile-headline")).to_have_text(
        "Backend engineer writing about Postgres"
    )
    expect(profile.locator(".prose strong")).to_have_text("query plans")
    expect(profile.get_by_text("Birthday 14 March")).to_be_visible()
    expect(profile.get_by_role("link", name="GitHub")).to_have_attribute(
        "href", "https://github.com/ada"
    )
    avatar = profile.locator("img.avatar-xl")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/\d+/\w+-256\.webp$"))
    # decode() waits for the download and rejects when the server answers anything but an image.
    size = avatar.evaluate("img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])")
    assert size == [256, 256]
    member.refresh_from_db()
    with Image.open(member.avatar.path) as stored:
        assert GPS_IFD not in stored.getexif()
        assert stored.getexif().get(0x010F) is None  # the camera's Make is gone too


def test_wrong_github_link_shows_a_field_error_and_keeps_what_was_typed(page, sign_in):
    from playwright.sync_api import expect

    member = UserFactory(email="lin@example.com", headline="", github_url="")
    main = page.get_by_role("main")
    sign_in(page, member.email)
    page.goto("/settings/profile/")

    page.get_by_label("Headline").fill("Docs engineer")
    page.get_by_label("Bio").fill("Writing *good* docs.")
    page.get_by_label("GitHub").fill("https://gitlab.com/lin")
    main.get_by_role("button", name="Save profile").click()

    summary = main.get_by_role("alert")
    expect(summary).to_contain_text("Please check the form. Nothing was saved yet.")
    expect(summary.get_by_role("link")).to_have_text(["GitHub: Use a GitHub link (github.com/…)."])
    expect(summary).to_be_focused()
    github = page.get_by_label("GitHub")
    expect(github).to_have_attribute("aria-invalid", "true")
    expect(github).to_have_accessible_description(re.compile("Use a GitHub link"))
    expect(github).to_have_value("https://gitlab.com/lin")
    expect(page.get_by_label("Headline")).to_have_value("Docs engineer")
    expect(page.get_by_label("Bio")).to_have_value("Writing *good* docs.")
    member.refresh_from_db()
    assert (member.headline, member.bio, member.github_url) == ("", "", "")


# --- Directory ----------------------------------------------------------------------------------


def test_directory_narrows_by_name_then_topic_and_skill_and_links_to_the_profile(page):
    from playwright.sync_api import expect

    python, devops = Topic.objects.get(slug="python"), Topic.objects.get(slug="devops")
    hopper = UserFactory(handle="grace_h", display_name="Grace Hopper", skill_level="expert")
    hopper.topics.set([python])
    kelly = UserFactory(handle="grace_k", display_name="Grace Kelly", skill_level="beginner")
    kelly.topics.set([python])
    brewer = UserFactory(handle="graceb", display_name="Grace Brewer", skill_level="expert")
    brewer.topics.set([devops])
    UserFactory(handle="linus", display_name="Linus Torvalds", skill_level="expert")
    main = page.get_by_role("main")
    filters = main.get_by_role("search", name="Filter members")
    names = main.locator(".member-card h2")
    count = main.locator(".result-count")

    page.goto("/members/")
    expect(count).to_have_text("4 members")
    filters.get_by_label("Name or @handle").fill("grace")
    filters.get_by_role("button", name="Search").click()

    expect(count).to_have_text("3 members match your filters")
    expect(names).to_have_text(["Grace Brewer", "Grace Kelly", "Grace Hopper"])
    filters.get_by_label("Topic").select_option(label="Python")
    filters.get_by_label("Experience").select_option(label="Expert")
    filters.get_by_role("button", name="Search").click()

    expect(count).to_have_text("1 member matches your filters")
    expect(names).to_have_text(["Grace Hopper"])
    expect(filters.get_by_label("Name or @handle")).to_have_value("grace")
    main.get_by_role("link", name="Grace Hopper").click()
    expect(page).to_have_url(re.compile(r"/u/grace_h/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")


# --- Settings -----------------------------------------------------------------------------------


def test_notification_choice_sticks_after_saving_and_reloading(page, sign_in, member):
    from playwright.sync_api import expect

    sign_in(page, member.email)
    page.goto("/settings/notifications/")
    replies_email = page.get_by_label("Replies in threads you watch: email")
    mentions_email = page.get_by_label("Mentions: email")
    expect(replies_email).to_have_value("immediately")
    expect(mentions_email).to_have_value("immediately")

    replies_email.select_option("digest")
    mentions_email.select_option("never")
    page.get_by_label("Email digest").select_option("daily")
    page.get_by_role("button", name="Save choices").click()
    expect(page.locator(".messages")).to_contain_text("Your notification choices are saved.")
    page.reload()

    expect(replies_email).to_have_value("digest")
    expect(mentions_email).to_have_value("never")
    expect(page.get_by_label("Email digest")).to_have_value("daily")
    expect(
        page.get_by_role("checkbox", name="Replies in threads you watch on the site")
    ).to_be_checked()


def test_member_downloads_their_data_then_deletes_the_account_after_confirming_the_password(
    page, sign_in, live_server
):
    from playwright.sync_api import expect

    member = UserFactory(handle="bye_bye", email="bye@example.com", headline="Leaving soon")
    header, main = page.get_by_role("banner"), page.get_by_role("main")
    sign_in(page, member.email)
    page.goto("/settings/privacy/")

    # A fresh sign-in counts as recent: the export needs no password.
    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"hearth-bye_bye-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["profile"]["handle"] == "bye_bye"
    assert data["profile"]["headline"] == "Leaving soon"

    # An hour later, deleting asks for the password first.
    age_sign_in(page, 3600)
    main.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    page.get_by_label("Type your handle to confirm").fill("bye_bye")
    main.get_by_role("button", name="Delete my account for good").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".messages")).to_contain_text("Your account is deleted.")
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    assert not User.objects.filter(handle="bye_bye").exists()
    response = page.goto("/u/bye_bye/")
    assert response.status == 404


def test_api_token_is_shown_once_copied_and_revoked(new_page, sign_in, member):
    from playwright.sync_api import expect

    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    main = page.get_by_role("main")
    sign_in(page, member.email)
    page.goto("/settings/api-token/")
    expect(main.get_by_role("heading", name="You have no token yet")).to_be_visible()

    main.get_by_role("button", name="Create token").click()

    token = main.get_by_role("textbox", name="Token")
    expect(token).to_have_value(Token.objects.get(user=member).key)
    main.get_by_role("button", name="Copy").click()
    expect(main.locator("#copy-status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == Token.objects.get(user=member).key

    page.goto("/settings/api-token/")
    expect(main.get_by_role("heading", name="You have an active token")).to_be_visible()
    expect(main.get_by_role("textbox", name="Token")).to_have_count(0)
    main.get_by_role("button", name="Revoke token").click()

    expect(page.locator(".messages")).to_contain_text("Your API token was revoked.")
    expect(main.get_by_role("heading", name="You have no token yet")).to_be_visible()
    assert not Token.objects.filter(user=member).exists()


# --- Staff outbox -------------------------------------------------------------------------------


def test_staff_opens_an_email_in_the_outbox_and_reads_its_text(page, sign_in, settings, staff):
    from playwright.sync_api import expect

    settings.EMAIL_OUTBOX_SHOWS_BODIES = True
    DeliveryFactory(
        subject="Your weekly digest",
        to_email="reader@example.com",
        text_body="Three new threads in Python.\nSee you there.",
    )
    header, main = page.get_by_role("banner"), page.get_by_role("main")
    sign_in(page, staff.email)

    header.get_by_text(staff.name, exact=True).click()  # the account menu
    header.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    row = main.get_by_role("row").filter(has_text="Your weekly digest")
    expect(row).to_contain_text("reader@example.com")
    row.get_by_role("link", name="Your weekly digest").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your weekly digest")
    text = main.get_by_role("region", name="Text version")
    expect(text.locator("pre")).to_have_text("Three new threads in Python.\nSee you there.")


def test_member_who_is_not_staff_is_sent_to_the_admin_login_from_the_outbox(
    page, sign_in, live_server, member
):
    from playwright.sync_api import expect

    DeliveryFactory(subject="Reset your password")
    sign_in(page, member.email)

    page.goto("/staff/outbox/")

    expect(page).to_have_url(live_server.url + "/admin/login/?next=/staff/outbox/")
    expect(page.get_by_text("Reset your password")).to_have_count(0)
