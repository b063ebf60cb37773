"""One access rule for events, through every door: a tier-only event is a 404 to members
below its tier in pages, the API, calendars, feeds, search, notifications and the digest;
the join link reaches seat holders and hosts only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.notifications import resolve_events
from events.selectors import upcoming_for_digest
from events.services import publishing
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inner_circle(staff, host, flame):
    """A published tier-only AMA (Flame and above) with its discussion in the forum."""
    event = EventFactory(
        title="Inner circle AMA about pricing",
        ama=True,
        draft=True,
        tier_only=True,
        minimum_tier=flame,
        description="Zanzibar pricing secrets.",
        hosts=[host],
    )
    QuestionFactory(event=event)
    return publishing.publish_event(actor=staff, event_id=event.pk)


PAGES = [
    lambda e: e.get_absolute_url(),
    lambda e: reverse("events:detail-short", args=[e.pk]),
    lambda e: reverse("events:ics", args=[e.pk]),
    lambda e: reverse("events:questions-live", args=[e.pk]),
    lambda e: reverse("events:claim", args=[e.pk]),
    lambda e: reverse("events:host", args=[e.pk]),
    lambda e: reverse("api:event-detail", args=[e.pk]),
    lambda e: reverse("api:event-questions", args=[e.pk]),
    lambda e: reverse("api:event-calendar", args=[e.pk]),
    lambda e: reverse("api:event-attendees", args=[e.pk]),
]
PAGE_IDS = [
    "page",
    "short-page",
    "ics",
    "live",
    "claim",
    "host",
    "api-detail",
    "api-questions",
    "api-ics",
    "api-attendees",
]


@pytest.mark.parametrize("url", PAGES, ids=PAGE_IDS)
def test_a_tier_only_event_is_not_found_below_its_tier(client, member, inner_circle, url):
    client.force_login(member)

    assert client.get(url(inner_circle)).status_code == 404


@pytest.mark.parametrize("url", PAGES[:4] + PAGES[6:9], ids=PAGE_IDS[:4] + PAGE_IDS[6:9])
def test_a_tier_only_event_opens_to_its_tier(client, vip, inner_circle, url):
    client.force_login(vip)

    assert client.get(url(inner_circle), follow=True).status_code == 200


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        (lambda e: reverse("events:register", args=[e.pk]), None),
        (lambda e: reverse("events:ask", args=[e.pk]), None),
        (lambda e: reverse("api:event-registration", args=[e.pk]), "application/json"),
        (lambda e: reverse("api:event-questions", args=[e.pk]), "application/json"),
    ],
    ids=["register", "ask", "api-register", "api-ask"],
)
def test_writing_to_a_tier_only_event_below_its_tier_is_not_found(
    client, member, inner_circle, url, content_type
):
    client.force_login(member)
    body = {"body": "A question about pricing?"}

    response = (
        client.post(url(inner_circle), body, content_type=content_type)
        if content_type
        else client.post(url(inner_circle), body)
    )

    assert response.status_code == 404
    assert inner_circle.registrations.count() == 0
    assert inner_circle.questions.count() == 1


def test_lists_and_the_api_list_leave_out_a_tier_only_event(client, member, inner_circle):
    client.force_login(member)

    page = client.get(reverse("events:list")).content.decode()
    api = client.get(reverse("api:event-list")).json()

    assert inner_circle.title not in page
    assert api["results"] == []


def test_forum_search_never_shows_a_tier_only_events_discussion(client, member, vip, inner_circle):
    client.force_login(member)
    hidden = client.get(reverse("community:search"), {"q": "Zanzibar"})
    api_hidden = client.get(reverse("api:search"), {"q": "Zanzibar"}).json()
    client.force_login(vip)
    shown = client.get(reverse("community:search"), {"q": "Zanzibar"})

    assert hidden.context["screen"].rows == []
    assert api_hidden["results"] == []
    assert [row.post.thread_id for row in shown.context["screen"].rows] == [inner_circle.thread_id]
    assert inner_circle.thread.category.slug == "events-flame"


def test_notifications_and_the_digest_leave_out_a_tier_only_event(member, vip, inner_circle):
    since = timezone.now() - timedelta(days=1)

    assert resolve_events(member, [inner_circle.pk]) == {}
    assert list(resolve_events(vip, [inner_circle.pk])) == [inner_circle.pk]
    assert upcoming_for_digest(member, since) is None
    assert [item.title for item in upcoming_for_digest(vip, since).items] == [inner_circle.title]


def test_drafts_are_seen_by_staff_and_their_hosts_only(client, member, host, staff):
    draft = EventFactory(draft=True, hosts=[host])

    statuses = []
    for viewer in (None, member, host, staff):
        if viewer:
            client.force_login(viewer)
        statuses.append(client.get(draft.get_absolute_url()).status_code)

    assert statuses == [404, 404, 200, 200]


@pytest.mark.parametrize(
    ("trait", "shows_link"),
    [
        (None, False),
        ({}, True),
        ({"attended": True}, True),
        ({"waitlisted": True}, False),
        ({"offered": True}, False),
        ({"cancelled": True}, False),
    ],
    ids=["not-registered", "seat", "attended", "waitlist", "offer", "cancelled"],
)
def test_the_join_link_reaches_seat_holders_only(client, member, webinar, trait, shows_link):
    if trait is not None:
        RegistrationFactory(event=webinar, member=member, **trait)
    client.force_login(member)

    page = client.get(webinar.get_absolute_url()).content.decode()
    api = client.get(reverse("api:event-detail", args=[webinar.pk])).json()
    ics = client.get(reverse("events:ics", args=[webinar.pk])).content.decode()

    assert (webinar.join_url in page) is shows_link
    assert api["join_url"] == (webinar.join_url if shows_link else None)
    assert (webinar.join_url in ics) is shows_link


def test_visitors_and_hosts(client, host, webinar):
    visitor_page = client.get(webinar.get_absolute_url()).content.decode()
    client.force_login(host)
    host_page = client.get(webinar.get_absolute_url()).content.decode()

    assert webinar.join_url not in visitor_page
    assert webinar.join_url in host_page


def test_the_join_link_is_never_in_the_discussion_or_search(client, vip, staff, host):
    event = EventFactory(draft=True, hosts=[host], title="Webinar about Quokkas")
    event = publishing.publish_event(actor=staff, event_id=event.pk)
    client.force_login(vip)

    thread = client.get(event.thread.get_absolute_url()).content.decode()
    found = client.get(reverse("community:search"), {"q": "secret-room"})

    assert event.join_url not in thread
    assert found.context["screen"].rows == []


def test_early_access_shows_the_tier_a_register_button_and_others_when_it_opens(
    client, member, vip, flame
):
    event = EventFactory(
        early_access_tier=flame,
        early_access_opens_at=timezone.now() - timedelta(hours=1),
        registration_opens_at=timezone.now() + timedelta(days=1),
    )
    register_url = reverse("events:register", args=[event.pk])

    client.force_login(vip)
    early = client.get(event.get_absolute_url()).content.decode()
    client.force_login(member)
    later = client.get(event.get_absolute_url()).content.decode()

    assert register_url in early
    assert "You're in early" in early
    assert register_url not in later
    assert "Registration has not opened yet." in later
    assert "Early access for Flame members and above" in later
