"""The events API: the same screens and rules as the pages, in the OpenAPI schema."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Question, Rating, Registration
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_filters_and_pages(api, host):
    start = timezone.now() + timedelta(days=1)
    EventFactory(title="An AMA", ama=True, starts_at=start, hosts=[host])
    EventFactory(title="A webinar", starts_at=start + timedelta(hours=1), hosts=[host])

    everything = api.get(reverse("api:event-list")).json()
    amas = api.get(reverse("api:event-list"), {"kind": "ama"}).json()
    bad = api.get(reverse("api:event-list"), {"kind": "party", "cursor": "x"})

    assert [e["title"] for e in everything["results"]] == ["An AMA", "A webinar"]
    assert [e["title"] for e in amas["results"]] == ["An AMA"]
    assert everything["results"][0]["hosts"] == ["host"]
    assert bad.status_code == 400
    assert bad.json() == {
        "kind": ['"party" is not a valid choice.'],
        "cursor": ["Invalid cursor."],
    }


def test_register_then_again_then_cancel(api, member, webinar, django_capture_on_commit_callbacks):
    api.force_authenticate(member)
    url = reverse("api:event-registration", args=[webinar.pk])

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(url)
        again = api.post(url)
        cancelled = api.delete(url)

    assert (created.status_code, again.status_code, cancelled.status_code) == (201, 200, 200)
    assert created.json()["registration"]["status"] == "confirmed"
    assert created.json()["join_url"] == webinar.join_url
    assert cancelled.json()["registration"]["status"] == "cancelled"
    assert cancelled.json()["join_url"] is None


def test_a_refused_registration_is_a_409_with_a_code(api, member):
    event = EventFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    api.force_authenticate(member)

    response = api.post(reverse("api:event-registration", args=[event.pk]))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Registration has not opened yet.",
        "code": "registration_closed",
    }
    assert Registration.objects.count() == 0


def test_visitors_must_sign_in_to_register(api, webinar):
    response = api.post(reverse("api:event-registration", args=[webinar.pk]))

    assert response.status_code == 401
    assert Registration.objects.count() == 0


def test_claim_and_decline_an_offer(api, webinar):
    claimer, decliner = UserFactory(), UserFactory()
    RegistrationFactory(event=webinar, member=claimer, offered=True)
    RegistrationFactory(event=webinar, member=decliner, offered=True)

    api.force_authenticate(claimer)
    claimed = api.post(reverse("api:event-offer-claim", args=[webinar.pk]))
    api.force_authenticate(decliner)
    declined = api.post(reverse("api:event-offer-decline", args=[webinar.pk]))

    assert (claimed.json()["registration"]["status"], claimed.json()["join_url"]) == (
        "confirmed",
        webinar.join_url,
    )
    assert declined.json()["registration"]["status"] == "cancelled"


def test_my_registrations(api, member, host):
    coming = EventFactory(title="Coming", hosts=[host])
    RegistrationFactory(event=coming, member=member, waitlisted=True)
    api.force_authenticate(member)

    body = api.get(reverse("api:event-mine")).json()

    assert [(e["title"], e["my_status"]) for e in body["upcoming"]] == [("Coming", "waitlisted")]
    assert (body["past"], body["hosting"]) == ([], [])


def test_questions_ask_vote_and_host_actions(api, ama, host, member):
    RegistrationFactory(event=ama, member=member)
    other = QuestionFactory(event=ama, body="Somebody else's question?")
    api.force_authenticate(member)

    asked = api.post(
        reverse("api:event-questions", args=[ama.pk]),
        {"body": "Ask me anything?", "is_anonymous": True},
    )
    voted = api.post(reverse("api:event-question-vote", args=[other.pk]))
    again = api.post(reverse("api:event-question-vote", args=[other.pk]))
    refused = api.post(reverse("api:event-question-action", args=[other.pk]), {"action": "star"})
    api.force_authenticate(host)
    answered = api.post(
        reverse("api:event-question-action", args=[other.pk]),
        {"action": "answered", "answer_at_seconds": 90},
    )

    assert asked.status_code == 201
    assert (asked.json()["status"], asked.json()["author"]) == ("pending", "member")
    assert (voted.json(), again.json()) == (
        {"has_voted": True, "changed": True},
        {"has_voted": True, "changed": False},
    )
    assert refused.status_code == 403
    assert (answered.json()["status"], answered.json()["answer_at_seconds"]) == ("answered", 90)
    assert Question.objects.get(pk=other.pk).vote_count == 1


def test_the_calendar_entry(api, webinar):
    response = api.get(reverse("api:event-calendar", args=[webinar.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:event-{webinar.pk}@127.0.0.1" in response.content.decode()


def test_hosts_list_attendees_and_check_them_in(api, host, member):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=1), hosts=[host])
    registration = RegistrationFactory(event=event, member=member)
    api.force_authenticate(member)
    hidden = api.get(reverse("api:event-attendees", args=[event.pk]))
    api.force_authenticate(host)

    listed = api.get(reverse("api:event-attendees", args=[event.pk])).json()
    checked = api.post(reverse("api:event-attendee-check-in", args=[event.pk, registration.pk]))

    assert hidden.status_code == 404
    assert (listed["count"], [a["handle"] for a in listed["results"]]) == (1, ["member"])
    assert checked.json()["status"] == "attended"


def test_check_in_with_a_wrong_code_is_a_400_on_the_field(api, member, host):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(minutes=1), attendance_code="ABC234", hosts=[host]
    )
    RegistrationFactory(event=event, member=member)
    api.force_authenticate(member)

    response = api.post(
        reverse("api:event-check-in", args=[event.pk]), {"attendance_code": "ZZZ999"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "attendance_code": ["That is not this event's code. Check with the hosts."],
        "code": "check_in",
    }
    assert Registration.objects.get().status == "confirmed"


def test_rating_and_the_staff_summary(api, member, staff, host):
    event = EventFactory(past=True, hosts=[host])
    RegistrationFactory(event=event, member=member, attended=True)
    api.force_authenticate(member)

    rated = api.put(reverse("api:event-rating", args=[event.pk]), {"score": 4, "comment": "Good"})
    members_summary = api.get(reverse("api:event-rating", args=[event.pk]))
    api.force_authenticate(staff)
    summary = api.get(reverse("api:event-rating", args=[event.pk])).json()

    assert rated.json() == {"score": 4, "comment": "Good"}
    assert members_summary.status_code == 404
    assert summary == {
        "count": 1,
        "average": 4.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    assert Rating.objects.count() == 1


def test_every_events_endpoint_is_in_the_schema(client):
    schema = client.get(reverse("api-schema")).content.decode()

    for path in (
        "/api/v1/events/",
        "/api/v1/events/mine/",
        "/api/v1/events/{event_id}/",
        "/api/v1/events/{event_id}/registration/",
        "/api/v1/events/{event_id}/offer/claim/",
        "/api/v1/events/{event_id}/offer/decline/",
        "/api/v1/events/{event_id}/questions/",
        "/api/v1/events/{event_id}/calendar.ics",
        "/api/v1/events/{event_id}/attendees/",
        "/api/v1/events/{event_id}/attendees/{registration_id}/check-in/",
        "/api/v1/events/{event_id}/check-in/",
        "/api/v1/events/{event_id}/rating/",
        "/api/v1/event-questions/{question_id}/vote/",
        "/api/v1/event-questions/{question_id}/action/",
    ):
        assert f"  {path}:" in schema
