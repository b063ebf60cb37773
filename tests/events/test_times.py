"""Event times in the viewer's own zone, with the right date on each side of midnight."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.times import time_range_label
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

# 14:30-16:30 UTC on Monday 1 June 2026: late evening into the night in Tokyo.
START = datetime(2026, 6, 1, 14, 30, tzinfo=UTC)
END = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("UTC", "Mon 1 Jun 2026, 14:30\u201316:30 UTC"),
        ("Asia/Tokyo", "Mon 1 Jun 2026, 23:30 \u2013 Tue 2 Jun 2026, 01:30 JST"),
        ("America/Los_Angeles", "Mon 1 Jun 2026, 07:30\u201309:30 PDT"),
        ("Pacific/Kiritimati", "Tue 2 Jun 2026, 04:30\u201306:30 +14"),
    ],
)
def test_a_range_reads_in_the_zone_with_both_dates_across_midnight(zone, label):
    assert time_range_label(START, END, ZoneInfo(zone)) == label


def test_an_event_ending_at_midnight_keeps_one_date():
    end = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)  # midnight in Tokyo

    assert (
        time_range_label(START, end, ZoneInfo("Asia/Tokyo"))
        == "Mon 1 Jun 2026, 23:30\u201300:00 JST"
    )


def test_a_range_across_a_clock_change_names_both_offsets():
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    end = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)

    assert time_range_label(start, end, ZoneInfo("Europe/Berlin")) == (
        "Sun 29 Mar 2026, 01:30 CET \u2013 Sun 29 Mar 2026, 04:00 CEST"
    )


@pytest.fixture
def midnight_webinar(host):
    return EventFactory(
        title="Late night webinar",
        starts_at=START,
        ends_at=END,
        time_zone="Europe/London",
        hosts=[host],
    )


def test_the_event_page_shows_times_in_the_members_zone_and_the_events(client, midnight_webinar):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))

    page = client.get(midnight_webinar.get_absolute_url()).content.decode()

    assert "Mon 1 Jun 2026, 23:30 \u2013 Tue 2 Jun 2026, 01:30 JST" in page
    assert "Local to the event (Europe/London): Mon 1 Jun 2026, 15:30\u201317:30 BST" in page


def test_visitors_see_utc(client, midnight_webinar):
    page = client.get(midnight_webinar.get_absolute_url()).content.decode()

    assert "Mon 1 Jun 2026, 14:30\u201316:30 UTC" in page


def test_lists_and_the_api_show_the_members_zone(client, midnight_webinar):
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))

    listed = client.get(reverse("events:past")).content.decode()
    api = client.get(reverse("api:event-list"), {"when": "past"}).json()

    assert "Mon 1 Jun 2026, 23:30 \u2013 Tue 2 Jun 2026, 01:30 JST" in listed
    assert [row["when"] for row in api["results"]] == [
        "Mon 1 Jun 2026, 23:30 \u2013 Tue 2 Jun 2026, 01:30 JST"
    ]
