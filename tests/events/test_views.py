"""The event pages: lists and their filters, the event page in each registration state,
staff forms (times typed in the event's zone), the host dashboard, my events."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from events.models import Event, Question, Registration
from events.selectors import lists
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [row.event.title for row in response.context["screen"].page.rows]


def test_upcoming_lists_soonest_first_and_leaves_out_past_cancelled_and_drafts(client, host):
    soon = EventFactory(title="Soon", starts_at=timezone.now() + timedelta(days=1), hosts=[host])
    EventFactory(title="Later", starts_at=timezone.now() + timedelta(days=9), hosts=[host])
    EventFactory(title="Gone", past=True, hosts=[host])
    EventFactory(title="Called off", cancelled=True, hosts=[host])
    EventFactory(title="Not yet", draft=True, hosts=[host])

    response = client.get(reverse("events:list"))

    assert titles(response) == ["Soon", "Later"]
    assert soon.get_absolute_url() in response.content.decode()


def test_past_lists_latest_first_with_recordings(client, host):
    EventFactory(
        title="Older",
        past=True,
        ends_at=timezone.now() - timedelta(days=5),
        starts_at=timezone.now() - timedelta(days=5, hours=1),
        hosts=[host],
    )
    EventFactory(
        title="Newer", past=True, recording_url="https://video.example.com/n", hosts=[host]
    )

    response = client.get(reverse("events:past"))

    assert titles(response) == ["Newer", "Older"]
    assert "Recording" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "ama"}, ["AMA on Python"]),
        ({"topic": "python"}, ["AMA on Python"]),
        ({"for": "me"}, ["AMA on Python", "Flame webinar"]),
        ({"kind": "not-a-kind"}, ["AMA on Python", "Flame webinar", "Video webinar"]),
    ],
    ids=["kind", "topic", "for-me", "unknown-kind"],
)
def test_filters_narrow_the_list(client, host, flame, query, expected):
    python = Topic.objects.get(slug="python")
    member = UserFactory(tier=flame)
    member.topics.set([python])
    start = timezone.now() + timedelta(days=1)
    EventFactory(title="AMA on Python", ama=True, topics=[python], starts_at=start, hosts=[host])
    EventFactory(
        title="Flame webinar",
        tier_only=True,
        minimum_tier=flame,
        starts_at=start + timedelta(hours=2),
        hosts=[host],
    )
    EventFactory(title="Video webinar", starts_at=start + timedelta(hours=4), hosts=[host])
    client.force_login(member)

    response = client.get(reverse("events:list"), query)

    assert titles(response) == expected


def test_the_list_pages_by_cursor(client, host, monkeypatch):
    monkeypatch.setattr(lists, "EVENTS_PER_PAGE", 2)
    start = timezone.now() + timedelta(days=1)
    for n in range(3):
        EventFactory(title=f"Event {n}", starts_at=start + timedelta(hours=n), hosts=[host])

    first = client.get(reverse("events:list"))
    cursor = first.context["screen"].page.next_cursor
    second = client.get(reverse("events:list"), {"cursor": cursor})
    tampered = client.get(reverse("events:list"), {"cursor": "not-a-cursor"})

    assert (titles(first), titles(second), titles(tampered)) == (
        ["Event 0", "Event 1"],
        ["Event 2"],
        ["Event 0", "Event 1"],
    )
    assert second.context["screen"].page.next_cursor is None


def test_an_old_or_missing_slug_redirects_to_the_event_page(client, webinar):
    for url in (
        reverse("events:detail-short", args=[webinar.pk]),
        reverse("events:detail", args=[webinar.pk, "old-title"]),
    ):
        response = client.get(url, {"sort": "newest"})
        assert (response.status_code, response["Location"]) == (
            302,
            webinar.get_absolute_url() + "?sort=newest",
        )


def test_a_title_that_looks_like_an_action_gets_its_own_address(client, staff):
    event = EventFactory(title="Edit!")

    response = client.get(event.get_absolute_url())

    assert event.get_absolute_url() == f"/events/{event.pk}/edit-event/"
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("trait", "says"),
    [
        (None, "Register"),
        ({}, "You're registered."),
        ({"waitlisted": True}, "You're number 1 on the waitlist."),
        ({"offered": True}, "A seat freed up: it's yours until"),
    ],
    ids=["none", "seat", "waitlist", "offer"],
)
def test_the_event_page_shows_my_registration(client, member, webinar, trait, says):
    if trait is not None:
        RegistrationFactory(event=webinar, member=member, **trait)
    client.force_login(member)

    response = client.get(webinar.get_absolute_url())

    assert says in response.content.decode()


def test_register_and_cancel_by_post(client, member, webinar, django_capture_on_commit_callbacks):
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(reverse("events:register", args=[webinar.pk]), follow=True)
        cancelled = client.post(reverse("events:cancel", args=[webinar.pk]), follow=True)

    assert registered.redirect_chain[-1][0] == webinar.get_absolute_url()
    assert "The join link is below and in your email." in registered.content.decode()
    assert "Your registration is cancelled." in cancelled.content.decode()
    assert Registration.objects.get().status == "cancelled"


def test_a_refused_registration_shows_why(client, member):
    event = EventFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    client.force_login(member)

    response = client.post(reverse("events:register", args=[event.pk]), follow=True)

    assert "Registration has not opened yet." in response.content.decode()
    assert Registration.objects.count() == 0


def test_visitors_are_sent_to_sign_in_to_register(client, webinar):
    response = client.post(reverse("events:register", args=[webinar.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Registration.objects.count() == 0


def test_the_claim_link_from_the_email_shows_a_page_and_changes_nothing(client, member, webinar):
    RegistrationFactory(event=webinar, member=member, offered=True)
    client.force_login(member)

    response = client.get(reverse("events:claim", args=[webinar.pk]))

    assert response.status_code == 200
    assert "A seat is yours to claim" in response.content.decode()
    assert Registration.objects.get().status == "offered"


def test_a_question_that_is_refused_keeps_its_text(client, ama, member):
    RegistrationFactory(event=ama, member=member)
    client.force_login(member)

    response = client.post(reverse("events:ask", args=[ama.pk]), {"body": "Hm?"})

    assert response.status_code == 400
    form = response.context["question_form"]
    assert form.errors == {"body": ["Ask in 5 to 1,000 characters."]}
    assert form["body"].value() == "Hm?"
    assert Question.objects.count() == 0


def test_voting_from_the_page(client, ama, member):
    RegistrationFactory(event=ama, member=member)
    question = QuestionFactory(event=ama)
    client.force_login(member)

    response = client.post(reverse("events:vote", args=[ama.pk, question.pk]))
    client.post(reverse("events:vote", args=[ama.pk, question.pk]))

    question.refresh_from_db()
    assert response["Location"] == reverse("events:detail-short", args=[ama.pk]) + "#questions"
    assert question.vote_count == 1


@pytest.mark.parametrize(
    "url",
    [
        reverse("events:create"),
        "/events/{pk}/edit/",
        "/events/{pk}/publish/",
        "/events/{pk}/cancel-event/",
    ],
)
def test_staff_pages_are_not_found_for_members(client, member, webinar, url):
    client.force_login(member)

    response = client.post(url.format(pk=webinar.pk))

    webinar.refresh_from_db()
    assert response.status_code == 404
    assert webinar.status == "published"


def event_form(host, **changes):
    data = {
        "kind": "webinar",
        "title": "Typing times in Tokyo",
        "description": "",
        "time_zone": "Asia/Tokyo",
        "starts_at": "2027-05-10T19:00",
        "ends_at": "2027-05-10T20:30",
        "hosts": f"@{host.handle}",
        "capacity": "50",
        "access": "public",
        "join_url": "meet.example.com/tokyo",
    }
    return {**data, **changes}


def test_staff_type_times_in_the_events_zone(client, staff, host):
    client.force_login(staff)

    response = client.post(reverse("events:create"), event_form(host))

    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert (event.starts_at, event.ends_at) == (
        datetime(2027, 5, 10, 10, 0, tzinfo=UTC),
        datetime(2027, 5, 10, 11, 30, tzinfo=UTC),
    )
    assert event.join_url == "https://meet.example.com/tokyo"
    assert (event.status, list(event.hosts.all())) == ("draft", [host])


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"time_zone": "Europe/Berlin", "starts_at": "2027-03-28T02:30"},
            {"starts_at": ["That time doesn't exist in Europe/Berlin: the clocks skip it."]},
        ),
        ({"hosts": "@nobody_here"}, {"hosts": ["No active member with the handle @nobody_here."]}),
        ({"ends_at": "2027-05-10T18:00"}, {"ends_at": ["The event must end after it starts."]}),
    ],
    ids=["dst-gap", "unknown-host", "ends-first"],
)
def test_a_bad_event_form_names_the_field_and_keeps_the_input(client, staff, host, changes, errors):
    client.force_login(staff)

    response = client.post(reverse("events:create"), event_form(host, **changes))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == errors
    assert form["title"].value() == "Typing times in Tokyo"
    assert Event.objects.count() == 0


def test_the_edit_form_shows_times_in_the_events_zone(client, staff, host):
    event = EventFactory(
        time_zone="Asia/Tokyo",
        starts_at=datetime(2027, 5, 10, 10, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 10, 11, 30, tzinfo=UTC),
        hosts=[host],
    )
    client.force_login(staff)

    page = client.get(reverse("events:edit", args=[event.pk])).content.decode()

    assert 'value="2027-05-10T19:00"' in page
    assert 'value="2027-05-10T20:30"' in page


def test_the_host_dashboard_searches_and_checks_people_in(client, host):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5), hosts=[host])
    ada = RegistrationFactory(event=event, member=UserFactory(handle="ada", display_name="Ada"))
    RegistrationFactory(event=event, member=UserFactory(handle="bob", display_name="Bob"))
    client.force_login(host)

    found = client.get(reverse("events:host", args=[event.pk]), {"q": "@ad"})
    checked = client.post(
        reverse("events:attendance", args=[event.pk, ada.pk]), {"attended": "1", "q": "ad"}
    )

    assert [r.member.handle for r in found.context["screen"].registrants] == ["ada"]
    assert checked["Location"] == reverse("events:host", args=[event.pk]) + "?q=ad"
    ada.refresh_from_db()
    assert ada.status == "attended"


def test_members_who_do_not_host_get_no_dashboard(client, member, webinar):
    client.force_login(member)

    assert client.get(reverse("events:host", args=[webinar.pk])).status_code == 404


def test_my_events_and_the_calendar_feed(client, member, host):
    coming = EventFactory(title="Coming up", hosts=[host])
    done = EventFactory(title="Done", past=True, hosts=[host])
    RegistrationFactory(event=coming, member=member)
    RegistrationFactory(event=done, member=member, attended=True)
    client.force_login(member)

    before = client.get(reverse("events:mine"))
    client.post(reverse("events:feed-create"))
    after = client.get(reverse("events:mine"))

    screen = before.context["screen"]
    assert [r.event.title for r in screen.upcoming] == ["Coming up"]
    assert [r.event.title for r in screen.past] == ["Done"]
    assert screen.feed_url == ""
    assert after.context["screen"].feed_url.startswith("http://127.0.0.1:8000/events/calendar/")
    assert after.context["screen"].feed_url in after.content.decode()


def test_events_appear_in_the_header_navigation(client):
    page = client.get(reverse("core:home")).content.decode()

    assert f'href="{reverse("events:list")}"' in page
