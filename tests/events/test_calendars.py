"""Calendar entries (RFC 5545) parsed back with icalendar: times in UTC and in the event's
zone across a daylight-saving change, a stable UID, SEQUENCE raised on change, CANCELLED
and TENTATIVE; "add to calendar" links; the private feed, signed and revocable."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events import ical
from events.models import CalendarFeed
from events.selectors import feed_calendar, feed_url
from events.services import feeds, publishing
from events.services.publishing import EventDetails
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def dst_night(host):
    """In Berlin the clocks go from 02:00 to 03:00 on 29 March 2026: this AMA starts at
    01:30 CET (00:30 UTC) and ends at 04:00 CEST (02:00 UTC)."""
    return EventFactory(
        title="Night owls AMA",
        starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        ends_at=datetime(2026, 3, 29, 2, 0, tzinfo=UTC),
        time_zone="Europe/Berlin",
        hosts=[host],
    )


def parsed(content: bytes):
    calendar = Calendar.from_ical(content)
    (event,) = calendar.events
    return calendar, event


def test_the_ics_parses_back_with_utc_and_zone_times_across_a_dst_change(client, dst_night):
    response = client.get(reverse("events:ics", args=[dst_night.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, entry = parsed(response.content)
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert (start.replace(tzinfo=None), str(start.tzinfo)) == (
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC).replace(tzinfo=None),
        "Europe/Berlin",
    )
    assert (end.replace(tzinfo=None), str(end.tzinfo)) == (
        datetime(2026, 3, 29, 4, 0, tzinfo=UTC).replace(tzinfo=None),
        "Europe/Berlin",
    )
    assert start.astimezone(UTC) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(entry["uid"]) == f"event-{dst_night.pk}@127.0.0.1"
    assert entry["sequence"] == 0
    assert str(entry["status"]) == "CONFIRMED"
    assert str(entry["organizer"]) == "mailto:hello@hearth.localhost"
    assert str(entry["url"]) == f"http://127.0.0.1:8000{dst_night.get_absolute_url()}"
    assert dst_night.join_url not in response.content.decode()


def details_of(event, **changes):
    fields = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "hosts": list(event.hosts.all()),
        "capacity": event.capacity,
        "join_url": event.join_url,
    }
    return EventDetails(**{**fields, **changes})


def test_an_update_keeps_the_uid_and_raises_the_sequence(staff, webinar):
    before = parsed(ical.event_calendar(webinar))[1]

    publishing.update_event(
        actor=staff,
        event_id=webinar.pk,
        details=details_of(
            webinar,
            starts_at=webinar.starts_at + timedelta(hours=2),
            ends_at=webinar.ends_at + timedelta(hours=2),
        ),
    )
    webinar.refresh_from_db()
    after = parsed(ical.event_calendar(webinar))[1]

    assert str(after["uid"]) == str(before["uid"])
    assert (before["sequence"], after["sequence"]) == (0, 1)
    assert after.decoded("dtstart") == before.decoded("dtstart") + timedelta(hours=2)


def test_a_description_edit_raises_the_sequence_without_emailing(
    staff, webinar, member, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=webinar, member=member)

    with django_capture_on_commit_callbacks() as callbacks:
        publishing.update_event(
            actor=staff, event_id=webinar.pk, details=details_of(webinar, description="New.")
        )

    webinar.refresh_from_db()
    assert webinar.sequence == 1
    assert callbacks == []


def test_a_cancellation_is_status_cancelled_in_the_file_and_the_email(
    staff, webinar, member, django_capture_on_commit_callbacks
):
    from django.core import mail

    RegistrationFactory(event=webinar, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.cancel_event(actor=staff, event_id=webinar.pk)
    webinar.refresh_from_db()

    entry = parsed(ical.event_calendar(webinar))[1]
    assert (str(entry["status"]), entry["sequence"]) == ("CANCELLED", 1)
    (email,) = mail.outbox
    assert email.subject == "[Hearth] Cancelled: Shipping a newsletter"
    attached = parsed(email.attachments[0][1].encode())[1]
    assert (str(attached["status"]), attached["sequence"]) == ("CANCELLED", 1)
    assert webinar.join_url not in email.body + email.attachments[0][1]


@pytest.mark.parametrize(
    ("trait", "status", "shows_link"),
    [
        ({}, "CONFIRMED", True),
        ({"waitlisted": True}, "TENTATIVE", False),
        ({"offered": True}, "TENTATIVE", False),
        ({"cancelled": True}, "CONFIRMED", False),
    ],
    ids=["seat", "waitlist", "offer", "cancelled"],
)
def test_the_ics_shows_the_join_link_to_seat_holders_only(
    client, member, webinar, trait, status, shows_link
):
    RegistrationFactory(event=webinar, member=member, **trait)
    client.force_login(member)

    response = client.get(reverse("events:ics", args=[webinar.pk]))

    entry = parsed(response.content)[1]
    assert str(entry["status"]) == status
    assert (webinar.join_url in response.content.decode()) is shows_link


def test_add_to_calendar_links_carry_utc_times_and_the_zone(dst_night):
    google = parse_qs(urlsplit(ical.google_calendar_url(dst_night)).query)
    outlook = parse_qs(urlsplit(ical.outlook_calendar_url(dst_night)).query)

    assert (google["dates"], google["ctz"], google["text"]) == (
        ["20260329T003000Z/20260329T020000Z"],
        ["Europe/Berlin"],
        ["Night owls AMA"],
    )
    assert (outlook["startdt"], outlook["enddt"]) == (
        ["2026-03-29T00:30:00+00:00"],
        ["2026-03-29T02:00:00+00:00"],
    )


def test_the_feed_lists_my_events_with_the_waitlist_tentative(member, host, flame):
    seat = EventFactory(title="My seat", hosts=[host])
    waiting = EventFactory(title="I wait", capacity=1, hosts=[host])
    called_off = EventFactory(title="Called off", cancelled=True, hosts=[host])
    left = EventFactory(title="I left", hosts=[host])
    lost_access = EventFactory(title="Tier only", tier_only=True, minimum_tier=flame, hosts=[host])
    RegistrationFactory(event=seat, member=member)
    RegistrationFactory(event=waiting, member=member, waitlisted=True)
    RegistrationFactory(event=called_off, member=member)
    RegistrationFactory(event=left, member=member, cancelled=True)
    RegistrationFactory(event=lost_access, member=member)  # registered before losing the tier
    token = urlsplit(feed_url(feeds.create_calendar_feed(member=member))).path.split("/")[-1]

    content = feed_calendar(token=token.removesuffix(".ics"))

    calendar = Calendar.from_ical(content)
    assert sorted((str(e["summary"]), str(e["status"])) for e in calendar.events) == [
        ("Called off", "CANCELLED"),
        ("I wait", "TENTATIVE"),
        ("My seat", "CONFIRMED"),
    ]
    text = content.decode()
    assert seat.join_url in text
    assert waiting.join_url not in text
    assert called_off.join_url not in text


def test_a_revoked_or_forged_feed_url_is_not_found(client, member, webinar):
    RegistrationFactory(event=webinar, member=member)
    old_url = feed_url(feeds.create_calendar_feed(member=member))

    feeds.revoke_calendar_feed(member=member)
    new_url = feed_url(CalendarFeed.objects.get(member=member))

    assert client.get(urlsplit(old_url).path).status_code == 404
    assert client.get(urlsplit(new_url).path).status_code == 200
    forged = urlsplit(new_url).path.replace(f"/{member.pk}.", f"/{member.pk + 1}.")
    assert client.get(forged).status_code == 404
    assert client.get(reverse("events:feed", args=["not-a-token"])).status_code == 404


def test_a_deactivated_members_feed_is_not_found(client, member, webinar):
    url = feed_url(feeds.create_calendar_feed(member=member))
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert client.get(urlsplit(url).path).status_code == 404
