"""Check-in (by hosts, or with the event's code), attendance handed to loyalty once,
ratings, and the recording emailed with different words to attendees and no-shows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events.exceptions import CheckInError, InvalidEventError, NotAllowedError
from events.models import Event, Rating, Registration
from events.selectors import rating_summary
from events.services import attendance, endings
from members.loyalty.models import Activity, MemberPoints
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(host):
    """A webinar that started ten minutes ago and runs for another fifty."""
    now = timezone.now()
    return EventFactory(
        title="Live webinar",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        attendance_code="K7M2QX",
        hosts=[host],
    )


@pytest.fixture
def seat(live, member):
    return RegistrationFactory(event=live, member=member)


def test_a_host_checks_a_registrant_in_and_attendance_is_credited_once(live, seat, host):
    attendance.set_attendance(actor=host, event_id=live.pk, registration_id=seat.pk, attended=True)
    attendance.set_attendance(actor=host, event_id=live.pk, registration_id=seat.pk, attended=True)

    seat.refresh_from_db()
    assert seat.status == "attended"
    assert seat.attendance_credited_at is not None
    assert list(
        Activity.objects.filter(member=seat.member_id).values_list("verb", "points", "subject_id")
    ) == [("event_attended", 20, live.pk)]


def test_attendance_taken_back_reverses_its_points_and_marking_again_credits_again(
    live, seat, host
):
    attendance.set_attendance(actor=host, event_id=live.pk, registration_id=seat.pk, attended=True)
    attendance.set_attendance(actor=host, event_id=live.pk, registration_id=seat.pk, attended=False)
    taken_back = MemberPoints.objects.get(member=seat.member_id).balance
    attendance.set_attendance(actor=host, event_id=live.pk, registration_id=seat.pk, attended=True)

    seat.refresh_from_db()
    assert taken_back == 0
    assert MemberPoints.objects.get(member=seat.member_id).balance == 20
    assert list(
        Activity.objects.filter(member=seat.member_id).order_by("pk").values_list("points")
    ) == [(20,), (-20,), (20,)]


def test_members_do_not_check_others_in(live, seat, member):
    other = RegistrationFactory(event=live)

    with pytest.raises(NotAllowedError):
        attendance.set_attendance(
            actor=member, event_id=live.pk, registration_id=other.pk, attended=True
        )

    other.refresh_from_db()
    assert (other.status, other.attendance_credited_at) == ("confirmed", None)


def test_check_in_opens_fifteen_minutes_before_the_start(host, member):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=20), hosts=[host])
    registration = RegistrationFactory(event=event, member=member)

    with pytest.raises(CheckInError):
        attendance.set_attendance(
            actor=host, event_id=event.pk, registration_id=registration.pk, attended=True
        )

    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_the_waitlist_cannot_be_checked_in(live, host):
    waiting = RegistrationFactory(event=live, waitlisted=True)

    with pytest.raises(Registration.DoesNotExist):
        attendance.set_attendance(
            actor=host, event_id=live.pk, registration_id=waiting.pk, attended=True
        )

    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


@pytest.mark.parametrize("typed", ["K7M2QX", "k7m2qx", " K7M 2QX "])
def test_a_registrant_checks_in_with_the_code(live, seat, member, typed):
    attendance.check_in_with_code(event_id=live.pk, member=member, code=typed)

    seat.refresh_from_db()
    assert seat.status == "attended"
    assert seat.attendance_credited_at is not None


def test_a_wrong_code_is_refused_naming_the_field(live, seat, member):
    with pytest.raises(CheckInError) as refused:
        attendance.check_in_with_code(event_id=live.pk, member=member, code="AAAAAA")

    seat.refresh_from_db()
    assert (refused.value.field, seat.status) == ("attendance_code", "confirmed")


def test_the_code_works_only_during_the_event(member, host):
    event = EventFactory(attendance_code="K7M2QX", hosts=[host])  # next week
    registration = RegistrationFactory(event=event, member=member)

    with pytest.raises(CheckInError):
        attendance.check_in_with_code(event_id=event.pk, member=member, code="K7M2QX")

    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_attendees_rate_and_rating_again_replaces_it(live, member, host):
    RegistrationFactory(event=live, member=member, attended=True)

    attendance.rate_event(event_id=live.pk, member=member, score=3, comment="Too short!")
    attendance.rate_event(event_id=live.pk, member=member, score=5, comment="  Great.  ")

    assert list(Rating.objects.values_list("member_id", "score", "comment")) == [
        (member.pk, 5, "Great.")
    ]


def test_only_attendees_rate(live, seat, member):
    with pytest.raises(NotAllowedError):
        attendance.rate_event(event_id=live.pk, member=member, score=5)

    assert Rating.objects.count() == 0


def test_staff_see_the_average_and_the_distribution(live):
    for score in (5, 5, 4, 2):
        RegistrationFactory(event=live, member=(m := UserFactory()), attended=True)
        attendance.rate_event(event_id=live.pk, member=m, score=score, comment=f"Gave {score}")

    summary = rating_summary(event=live)

    assert (summary.count, summary.average) == (4, 4.0)
    assert summary.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 2}
    assert summary.bars == [(5, 2, 50), (4, 1, 25), (3, 0, 0), (2, 1, 25), (1, 0, 0)]


def test_the_recording_goes_to_attendees_and_no_shows_in_different_words(
    host, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Past webinar", past=True, hosts=[host])
    RegistrationFactory(event=event, member=UserFactory(email="came@example.com"), attended=True)
    RegistrationFactory(event=event, member=UserFactory(email="missed@example.com"))
    RegistrationFactory(event=event, member=UserFactory(email="left@example.com"), cancelled=True)

    with django_capture_on_commit_callbacks(execute=True):
        endings.share_recording(
            actor=host, event_id=event.pk, recording_url="https://video.example.com/past"
        )
        endings.share_recording(
            actor=host, event_id=event.pk, recording_url="https://video.example.com/past-v2"
        )

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["came@example.com", "missed@example.com"]
    came, missed = by_address["came@example.com"], by_address["missed@example.com"]
    assert came.subject == missed.subject == "[Hearth] The recording: Past webinar"
    assert "Thanks for coming" in came.body
    assert f"/events/{event.pk}/rate/" in came.body
    assert "Sorry we missed you" in missed.body
    assert "/rate/" not in missed.body
    # One email each: sharing again changes the link, emails nobody again; the email sent
    # after commit carries the link as it is then.
    assert "Recording: https://video.example.com/past-v2\n" in missed.body


def test_the_recording_waits_for_the_end(live, host):
    with pytest.raises(InvalidEventError):
        endings.share_recording(
            actor=host, event_id=live.pk, recording_url="https://video.example.com/x"
        )

    assert Event.objects.get(pk=live.pk).recording_url == ""
