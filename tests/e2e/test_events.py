"""Events in a real browser: every page a person uses, and the flows that matter most:
register, see the join link, cancel, and the waitlisted member claims the offered seat;
an AMA whose questions refresh without a reload; staff, hosts and member-led masterclasses.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event, Proposal, Registration
from tests.events.factories import (
    EventFactory,
    PledgeFactory,
    ProposalFactory,
    RegistrationFactory,
)
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIVE_TIMEOUT_MS = 15_000  # the AMA page polls every 5 seconds


def path_in(body: str, pattern: str) -> str:
    """The path of the first link in an email body matching `pattern`."""
    match = re.search(rf"https?://\S*{pattern}\S*", body)
    assert match is not None, body
    return urlsplit(match.group(0)).path


def test_register_see_the_join_link_cancel_and_the_waitlisted_member_claims_the_seat(
    page, new_page, sign_in, transactional_db
):
    from playwright.sync_api import expect

    host = UserFactory(handle="host")
    event = EventFactory(title="One seat webinar", capacity=1, hosts=[host])
    ada = UserFactory(handle="ada", display_name="Ada", email="ada@example.com")
    bob = UserFactory(handle="bob", display_name="Bob", email="bob@example.com")

    # Ada registers and sees the join link.
    sign_in(page, ada.email)
    page.goto("/events/")
    page.get_by_role("link", name="One seat webinar").click()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You're registered.")).to_be_visible()
    expect(page.locator("[data-join-link]")).to_have_text(event.join_url)
    expect(page.get_by_text("All 1 seats are taken")).to_be_visible()

    # Bob finds it full, joins the waitlist, and sees no join link.
    bob_page = new_page()
    sign_in(bob_page, bob.email)
    bob_page.goto(event.get_absolute_url())
    bob_page.get_by_role("button", name="Join the waitlist").click()
    expect(bob_page.get_by_text("You're number 1 on the waitlist.")).to_be_visible()
    expect(bob_page.locator("[data-join-link]")).to_have_count(0)
    assert event.join_url not in bob_page.content()

    # Ada cancels: the seat is offered to Bob, by email and in the app.
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(page.locator("[data-join-link]")).to_have_count(0)
    offer = next(m for m in mail.outbox if m.to == [bob.email] and "claim" in m.subject)
    assert offer.subject == "[Hearth] A seat is yours to claim: One seat webinar"
    bob_page.goto("/notifications/")
    expect(
        bob_page.get_by_role(
            "link", name=re.compile("A seat is yours to claim at “One seat webinar”")
        )
    ).to_be_visible()

    # Bob follows the email's link and claims the seat: now he sees the join link.
    bob_page.goto(path_in(offer.body, "/claim/"))
    expect(bob_page.get_by_role("heading", name="A seat is yours to claim")).to_be_visible()
    bob_page.get_by_role("button", name="Claim my seat").click()
    expect(bob_page.get_by_text("You're registered.")).to_be_visible()
    expect(bob_page.locator("[data-join-link]")).to_have_text(event.join_url)
    assert Registration.objects.get(member=bob).status == "confirmed"


def test_the_ama_page_refreshes_its_questions_without_a_reload(
    page, new_page, sign_in, transactional_db
):
    from playwright.sync_api import expect

    host = UserFactory(handle="host", email="host@example.com")
    now = timezone.now()
    ama = EventFactory(
        title="Live AMA",
        ama=True,
        capacity=None,
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=1),
        hosts=[host],
    )
    watcher = UserFactory(handle="watcher", email="watcher@example.com")
    asker = UserFactory(handle="asker", display_name="Asha Asker", email="asker@example.com")
    for member in (watcher, asker):
        RegistrationFactory(event=ama, member=member)

    sign_in(page, watcher.email)
    page.goto(ama.get_absolute_url())
    expect(page.get_by_text("No questions yet.")).to_be_visible()
    expect(page.get_by_text("Live", exact=True)).to_be_visible()

    asker_page = new_page()
    sign_in(asker_page, asker.email)
    asker_page.goto(ama.get_absolute_url())
    asker_page.get_by_label("Your question").fill("What was your hardest launch?")
    asker_page.get_by_role("button", name="Ask").click()
    expect(asker_page.get_by_text("Your question is in.")).to_be_visible()

    # The watcher's page shows it without a reload, then votes for it.
    question = page.locator(".question", has_text="What was your hardest launch?")
    expect(question).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    question.get_by_role("button", name=re.compile("Vote for this question")).click()
    expect(question.locator(".vote-count")).to_have_text("1")

    # The host picks it to answer now; the watcher sees it at the top without a reload.
    host_page = new_page()
    sign_in(host_page, host.email)
    host_page.goto(f"/events/{ama.pk}/host/")
    host_page.locator(".question", has_text="What was your hardest launch?").get_by_role(
        "button", name="Answer now"
    ).click()
    expect(page.locator(".now-answering")).to_contain_text(
        "What was your hardest launch?", timeout=LIVE_TIMEOUT_MS
    )


def test_an_anonymous_question_is_approved_by_a_host_and_shows_no_name(
    page, new_page, sign_in, transactional_db
):
    from playwright.sync_api import expect

    host = UserFactory(handle="host", email="host@example.com")
    ama = EventFactory(title="Anonymous AMA", ama=True, capacity=None, hosts=[host])
    asker = UserFactory(handle="shy", display_name="Shy Member", email="shy@example.com")
    reader = UserFactory(handle="reader", email="reader@example.com")
    for member in (asker, reader):
        RegistrationFactory(event=ama, member=member)

    sign_in(page, asker.email)
    page.goto(ama.get_absolute_url())
    page.get_by_label("Your question").fill("How much do you earn from it?")
    page.get_by_label("Ask anonymously").check()
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("Waiting for a host's approval")).to_be_visible()

    host_page = new_page()
    sign_in(host_page, host.email)
    host_page.goto(f"/events/{ama.pk}/host/")
    row = host_page.locator(".question", has_text="How much do you earn from it?")
    expect(row).to_contain_text("Shy Member")
    row.get_by_role("button", name="Approve").click()

    reader_page = new_page()
    sign_in(reader_page, reader.email)
    reader_page.goto(ama.get_absolute_url())
    shown = reader_page.locator(".question", has_text="How much do you earn from it?")
    expect(shown).to_contain_text("Anonymous")
    expect(shown).not_to_contain_text("Shy Member")


def test_lists_filters_and_past_events_with_recordings(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    host = UserFactory()
    soon = timezone.now() + timedelta(days=2)
    EventFactory(title="Pricing AMA", ama=True, starts_at=soon, hosts=[host])
    EventFactory(title="Video webinar", starts_at=soon + timedelta(hours=3), hosts=[host])
    EventFactory(
        title="Old webinar", past=True, recording_url="https://v.example.com/1", hosts=[host]
    )
    member = UserFactory(email="m@example.com", time_zone="Asia/Tokyo")

    sign_in(page, member.email)
    page.get_by_role("banner").get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    expect(page.get_by_text("Times are in your time zone (Asia/Tokyo).")).to_be_visible()
    page.get_by_label("Kind").select_option(label="AMA")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Pricing AMA")).to_be_visible()
    expect(page.get_by_role("link", name="Video webinar")).to_have_count(0)

    page.get_by_role("link", name="Past, with recordings").click()
    page.get_by_role("link", name="Old webinar").click()
    expect(page.get_by_role("link", name="Watch the recording")).to_have_attribute(
        "href", "https://v.example.com/1"
    )


def test_staff_create_publish_and_move_an_event(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    staff = UserFactory(handle="staffer", email="staff@example.com", staff=True)
    UserFactory(handle="guest_host", display_name="Guest Host")
    registrant = UserFactory(email="reg@example.com")
    start = (timezone.now() + timedelta(days=9)).replace(hour=18, minute=0)

    sign_in(page, staff.email)
    page.goto("/events/")
    page.get_by_role("link", name="New event").click()
    page.get_by_role("radio", name="AMA").check()
    page.get_by_label("Title").fill("AMA with a guest")
    page.get_by_label("Hosts").fill("guest_host, staffer")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Join link").fill("https://meet.example.com/guest")
    page.get_by_role("radio", name="Everyone, including visitors").check()
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft: only staff and the hosts see it")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the event is open")).to_be_visible()
    expect(page.get_by_role("link", name="Discussion in the forum")).to_be_visible()
    event = Event.objects.get()
    RegistrationFactory(event=event, member=registrant)

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Starts").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The event is saved.")).to_be_visible()
    assert [m.subject for m in mail.outbox if m.to == [registrant.email]] == [
        "[Hearth] New time: AMA with a guest"
    ]


def test_a_host_checks_people_in_and_shares_the_recording(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    host = UserFactory(handle="host", email="host@example.com")
    now = timezone.now()
    event = EventFactory(
        title="Running webinar",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
        hosts=[host],
    )
    for handle in ("ada", "bob"):
        RegistrationFactory(event=event, member=UserFactory(handle=handle, display_name=handle))

    sign_in(page, host.email)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Host dashboard").click()
    page.get_by_label("Name or @handle").fill("ada")
    page.get_by_role("button", name="Find").click()
    expect(page.locator(".registrant-table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Check in ada").click()
    expect(page.get_by_text("ada is checked in.")).to_be_visible()

    Event.objects.filter(pk=event.pk).update(ends_at=now - timedelta(minutes=1))
    page.goto(f"/events/{event.pk}/host/")
    page.get_by_label("Recording link").fill("https://video.example.com/running")
    page.get_by_role("button", name="Share the recording").click()
    expect(
        page.get_by_text("The recording is shared with everyone who registered.")
    ).to_be_visible()


def test_members_check_in_with_the_code_and_rate_afterwards(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    now = timezone.now()
    event = EventFactory(
        title="Coded webinar",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
        attendance_code="PQR234",
    )
    member = UserFactory(email="m@example.com")
    RegistrationFactory(event=event, member=member)

    sign_in(page, member.email)
    page.goto(event.get_absolute_url())
    page.get_by_label("Event code").fill("pqr 234")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("You're checked in. Enjoy the event!")).to_be_visible()

    Event.objects.filter(pk=event.pk).update(ends_at=now - timedelta(minutes=1))
    page.goto(event.get_absolute_url())
    page.get_by_role("radio", name="5").check()
    page.get_by_label("Anything to add? (optional)").fill("Loved it")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_text("Thank you: your rating is saved.")).to_be_visible()


def test_my_events_and_the_private_calendar_feed(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    member = UserFactory(email="m@example.com")
    event = EventFactory(title="Feed webinar")
    RegistrationFactory(event=event, member=member)

    sign_in(page, member.email)
    page.goto("/events/mine/")
    expect(page.get_by_role("link", name="Feed webinar")).to_be_visible()
    page.get_by_role("button", name="Get my feed address").click()
    address = page.get_by_label("Feed address").input_value()
    feed = page.request.get(urlsplit(address).path)
    assert feed.status == 200
    assert "SUMMARY:Feed webinar" in feed.text()

    page.get_by_role("button", name=re.compile("Make a new address")).click()
    assert page.request.get(urlsplit(address).path).status == 404


def test_a_member_proposes_a_masterclass_others_pledge_and_staff_schedule_it(
    page, new_page, sign_in, transactional_db
):
    from playwright.sync_api import expect

    proposer = UserFactory(handle="teacher", email="teacher@example.com", time_zone="Europe/Rome")
    backer = UserFactory(handle="backer", email="backer@example.com", time_zone="Asia/Tokyo")
    staff = UserFactory(handle="staffer", email="staff@example.com", staff=True)
    day = (timezone.now() + timedelta(days=14)).strftime("%Y-%m-%d")

    sign_in(page, proposer.email)
    page.goto("/events/")
    page.get_by_role("link", name="Masterclass proposals").click()
    page.get_by_role("link", name="Propose a masterclass", exact=True).click()
    page.get_by_label("Title").fill("Git for writers")
    page.get_by_label("Outline").fill("Branches for drafts, diffs for edits.")
    page.get_by_label("A date that works for you").fill(f"{day}T18:00")
    page.get_by_label("Another date (optional)").fill(f"{day}T10:00")
    page.get_by_role("button", name="Propose it").click()
    expect(page.get_by_text("Your proposal is up")).to_be_visible()

    backer_page = new_page()
    sign_in(backer_page, backer.email)
    backer_page.goto("/events/proposals/")
    backer_page.get_by_role("link", name="Git for writers").click()
    backer_page.get_by_role("button", name="I'd attend").click()
    expect(backer_page.get_by_text("Thanks: we'll tell you if it's scheduled.")).to_be_visible()

    staff_page = new_page()
    sign_in(staff_page, staff.email)
    staff_page.goto(Proposal.objects.get().get_absolute_url())
    expect(staff_page.get_by_role("cell", name="Asia/Tokyo")).to_be_visible()
    expect(staff_page.get_by_text("Suits the most")).to_be_visible()
    staff_page.get_by_role("radio").first.check()
    staff_page.get_by_role("button", name="Schedule as a draft event").click()
    expect(staff_page.get_by_role("heading", name="Edit the event")).to_be_visible()
    expect(staff_page.get_by_label("Hosts")).to_have_value("teacher")


def test_the_proposal_pages_for_an_existing_proposal(page, sign_in, transactional_db):
    from playwright.sync_api import expect

    proposal = ProposalFactory(title="Podcast editing")
    PledgeFactory(proposal=proposal)
    member = UserFactory(email="m@example.com")

    page.goto("/events/proposals/")
    expect(page.get_by_text("1 pledge")).to_be_visible()
    sign_in(page, member.email)
    page.goto(proposal.get_absolute_url())
    page.get_by_role("button", name="I'd attend").click()
    expect(page.locator("[data-pledge-count]")).to_have_text("2")
    page.get_by_role("button", name="Withdraw my pledge").click()
    expect(page.locator("[data-pledge-count]")).to_have_text("1")
