"""Registering, cancelling, the waitlist and its seat offers (single-threaded; the races
are in test_registration_races.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.exceptions import OfferExpiredError, RegistrationClosedError, RegistrationStateError
from events.models import Event, Registration
from events.services import registrations
from events.services.registrations import claim_window
from members.models import Notification
from tests.events.conftest import sent_to
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def register(member, event):
    return registrations.register_for_event(event_id=event.pk, member=member)


def cancel(member, event):
    return registrations.cancel_registration(event_id=event.pk, member=member)


def state(event):
    """(held seats, [(handle, status, waitlist position)] by handle)."""
    event.refresh_from_db()
    rows = Registration.objects.filter(event=event).order_by("member__handle")
    return event.held_seat_count, [
        (r.member.handle, r.status, r.waitlist_position) for r in rows.select_related("member")
    ]


def full_event_with_line(host, waiting=2):
    """A 1-seat event a week away: `seated` has the seat, `first`, `second` wait."""
    event = EventFactory(capacity=1, hosts=[host])
    seated = RegistrationFactory(event=event, member=UserFactory(handle="seated")).member
    line = [
        RegistrationFactory(event=event, member=UserFactory(handle=handle), waitlisted=True).member
        for handle in ["first", "second"][:waiting]
    ]
    return event, seated, line


def test_registering_takes_a_seat_and_emails_the_join_link_and_calendar(
    member, webinar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = register(member, webinar)

    assert result.changed is True
    assert state(webinar) == (1, [("member", "confirmed", None)])
    assert len(callbacks) == 2  # the registration email task, then its delivery
    assert sent_to("member@example.com") == ["[Hearth] You're registered: Shipping a newsletter"]
    email = mail.outbox[0]
    assert webinar.join_url in email.body
    assert [(name, kind) for name, _, kind in email.attachments] == [("event.ics", "text/calendar")]
    assert webinar.join_url in email.attachments[0][1]


def test_registering_twice_changes_nothing(member, webinar, django_capture_on_commit_callbacks):
    first = register(member, webinar)

    with django_capture_on_commit_callbacks() as callbacks:
        again = register(member, webinar)

    assert again.changed is False
    assert again.registration.pk == first.registration.pk
    assert state(webinar) == (1, [("member", "confirmed", None)])
    assert callbacks == []


def test_a_full_event_puts_members_on_the_waitlist_in_order(
    webinar, django_capture_on_commit_callbacks
):
    people = [UserFactory(handle=f"person_{n}") for n in range(4)]

    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            register(person, webinar)

    assert state(webinar) == (
        2,
        [
            ("person_0", "confirmed", None),
            ("person_1", "confirmed", None),
            ("person_2", "waitlisted", 1),
            ("person_3", "waitlisted", 2),
        ],
    )
    waiting_email = next(m for m in mail.outbox if m.to == [people[3].email])
    assert waiting_email.subject == "[Hearth] You're on the waitlist: Shipping a newsletter"
    assert "(number 2)" in waiting_email.body
    assert webinar.join_url not in waiting_email.body
    assert waiting_email.attachments == []


def test_a_freed_seat_is_offered_to_the_first_in_line_for_24_hours(
    host, django_capture_on_commit_callbacks
):
    event, seated, (first, _) = full_event_with_line(host)

    with django_capture_on_commit_callbacks(execute=True):
        cancel(seated, event)

    assert state(event) == (
        1,
        [("first", "offered", 1), ("seated", "cancelled", None), ("second", "waitlisted", 2)],
    )
    offer = Registration.objects.get(event=event, member=first)
    assert offer.offer_expires_at - offer.offered_at == timedelta(hours=24)
    assert Registration.objects.get(event=event, member=seated).ending == "member"
    assert sent_to(first.email) == [f"[Hearth] A seat is yours to claim: {event.title}"]
    assert f"/events/{event.pk}/claim/" in mail.outbox[0].body
    assert event.join_url not in mail.outbox[0].body
    # In the inbox, and no second (generic) notification email: the offer email is its own.
    assert list(Notification.objects.values_list("recipient__handle", "kind", "email_state")) == [
        ("first", "event_seat", "none")
    ]


@pytest.mark.parametrize(
    ("time_left", "window"),
    [
        (timedelta(days=7), timedelta(hours=24)),
        (timedelta(hours=48), timedelta(hours=24)),
        (timedelta(hours=10), timedelta(hours=5)),
        (timedelta(hours=3), timedelta(hours=1, minutes=30)),
        (timedelta(hours=2), timedelta(hours=1)),
        (timedelta(minutes=90), timedelta(hours=1)),
    ],
)
def test_the_claim_window_shrinks_as_the_start_nears(time_left, window):
    now = timezone.now()

    assert claim_window(now, now + time_left) == window


def test_inside_the_last_two_hours_the_next_in_line_is_confirmed_directly(
    host, django_capture_on_commit_callbacks
):
    event, seated, (first, _) = full_event_with_line(host)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(minutes=90),
        ends_at=timezone.now() + timedelta(minutes=150),
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel(seated, event)

    assert state(event) == (
        1,
        [("first", "confirmed", 1), ("seated", "cancelled", None), ("second", "waitlisted", 2)],
    )
    assert sent_to(first.email) == [f"[Hearth] A seat freed up and it's yours: {event.title}"]
    assert event.join_url in mail.outbox[0].body


def test_claiming_an_offer_confirms_the_seat(host, django_capture_on_commit_callbacks):
    event, seated, (first, _) = full_event_with_line(host)
    cancel(seated, event)

    with django_capture_on_commit_callbacks(execute=True):
        registration = registrations.claim_offer(event_id=event.pk, member=first)

    assert registration.status == "confirmed"
    assert state(event)[0] == 1
    assert sent_to(first.email) == [f"[Hearth] You're registered: {event.title}"]
    assert event.join_url in mail.outbox[0].body


def test_declining_an_offer_passes_the_seat_to_the_next(host):
    event, seated, (first, _) = full_event_with_line(host)
    cancel(seated, event)

    registrations.decline_offer(event_id=event.pk, member=first)

    assert state(event) == (
        1,
        [("first", "cancelled", 1), ("seated", "cancelled", None), ("second", "offered", 2)],
    )
    assert Registration.objects.get(event=event, member=first).ending == "declined"


def test_an_expired_offer_passes_to_the_next_and_tells_the_member(
    host, django_capture_on_commit_callbacks
):
    event, seated, (first, second) = full_event_with_line(host)
    cancel(seated, event)
    deadline = Registration.objects.get(event=event, member=first).offer_expires_at

    with django_capture_on_commit_callbacks(execute=True):
        expired = registrations.expire_due_offers(now=deadline + timedelta(seconds=1))

    assert expired == 1
    assert state(event) == (
        1,
        [("first", "cancelled", 1), ("seated", "cancelled", None), ("second", "offered", 2)],
    )
    assert Registration.objects.get(event=event, member=first).ending == "expired"
    assert sent_to(first.email) == [f"[Hearth] The seat went to the next in line: {event.title}"]
    assert sent_to(second.email) == [f"[Hearth] A seat is yours to claim: {event.title}"]


def test_expiring_before_the_deadline_changes_nothing(host):
    event, seated, _ = full_event_with_line(host)
    cancel(seated, event)

    expired = registrations.expire_due_offers(now=timezone.now() + timedelta(hours=23))

    assert expired == 0
    assert state(event)[1][0] == ("first", "offered", 1)


def test_claiming_too_late_is_refused_and_the_seat_moves_on(host):
    event, seated, (first, _) = full_event_with_line(host)
    cancel(seated, event)
    Registration.objects.filter(member=first).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(OfferExpiredError):
        registrations.claim_offer(event_id=event.pk, member=first)

    assert state(event) == (
        1,
        [("first", "cancelled", 1), ("seated", "cancelled", None), ("second", "offered", 2)],
    )


def test_claiming_without_an_offer_is_refused(host):
    event, _, (first, _) = full_event_with_line(host)

    with pytest.raises(RegistrationStateError, match="no seat offered"):
        registrations.claim_offer(event_id=event.pk, member=first)

    assert state(event)[1][0] == ("first", "waitlisted", 1)


def test_leaving_the_waitlist_frees_no_seat(host):
    event, _, (first, _) = full_event_with_line(host)

    cancel(first, event)

    assert state(event) == (
        1,
        [("first", "cancelled", 1), ("seated", "confirmed", None), ("second", "waitlisted", 2)],
    )


def test_registering_again_after_cancelling_joins_the_end_of_the_line(host):
    event, _, (first, _) = full_event_with_line(host)
    cancel(first, event)

    register(first, event)

    assert state(event)[1][0] == ("first", "waitlisted", 3)


def test_cancelling_twice_changes_nothing(member, webinar):
    register(member, webinar)
    cancel(member, webinar)

    again = cancel(member, webinar)

    assert again.changed is False
    assert state(webinar) == (0, [("member", "cancelled", None)])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"registration_opens_at": timezone.now() + timedelta(days=1)},
            "Registration has not opened yet.",
        ),
        (
            {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
            "Registration has closed.",
        ),
        ({"status": Event.Status.CANCELLED}, "This event is not taking registrations."),
        ({"status": Event.Status.DRAFT}, "This event is not taking registrations."),
    ],
    ids=["not-open-yet", "closed", "cancelled", "draft"],
)
def test_registration_outside_its_window_is_refused_and_writes_nothing(
    staff, changes, message, django_capture_on_commit_callbacks
):
    event = EventFactory(**changes)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RegistrationClosedError, match=message),
    ):
        register(staff, event)  # staff see drafts; the window still applies

    assert state(event) == (0, [])
    assert callbacks == []


def test_early_access_opens_to_the_tier_and_above_first(vip, member, flame):
    event = EventFactory(
        early_access_tier=flame,
        early_access_opens_at=timezone.now() - timedelta(hours=1),
        registration_opens_at=timezone.now() + timedelta(days=1),
    )
    lower = UserFactory(handle="spark_member", tier=TierFactory(rank=1))

    register(vip, event)
    with pytest.raises(RegistrationClosedError, match="not opened yet"):
        register(member, event)
    with pytest.raises(RegistrationClosedError, match="not opened yet"):
        register(lower, event)

    assert state(event) == (1, [("vip", "confirmed", None)])


def test_early_access_waits_for_its_own_opening(vip, flame):
    event = EventFactory(
        early_access_tier=flame,
        early_access_opens_at=timezone.now() + timedelta(hours=1),
        registration_opens_at=timezone.now() + timedelta(days=1),
    )

    with pytest.raises(RegistrationClosedError):
        register(vip, event)

    assert state(event) == (0, [])


def test_hosts_do_not_register_for_their_own_event(host, webinar):
    with pytest.raises(RegistrationStateError, match="hosting"):
        register(host, webinar)

    assert state(webinar) == (0, [])


def test_an_invisible_event_is_not_found(member, flame):
    event = EventFactory(tier_only=True, minimum_tier=flame)

    with pytest.raises(Event.DoesNotExist):
        register(member, event)

    assert state(event) == (0, [])


def test_nobody_cancels_once_the_event_started(member):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    RegistrationFactory(event=event, member=member)

    with pytest.raises(RegistrationStateError, match="started"):
        cancel(member, event)

    assert state(event) == (1, [("member", "confirmed", None)])


def test_the_database_refuses_more_seats_than_the_capacity(webinar):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=webinar.pk).update(held_seat_count=3)

    assert state(webinar) == (0, [])
