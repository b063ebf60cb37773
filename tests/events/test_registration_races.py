"""Many members at once, on PostgreSQL with real threads (SQLite serialises writes and would
hide every race): nothing overbooks, the line keeps its order, every freed seat is offered
once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from events.models import Registration
from events.services import registrations
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKERS = 24


def at_once(calls):
    """Run the calls on WORKERS threads released together; each closes its connection.
    Returns the exceptions raised (None for a call that succeeded), in call order."""
    barrier = threading.Barrier(min(WORKERS, len(calls)))
    started = threading.local()

    def run(call):
        try:
            if not getattr(started, "done", False):
                started.done = True
                barrier.wait(timeout=30)
            call()
        except Exception as error:  # the test asserts on what was raised
            return error
        finally:
            connection.close()
        return None

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, calls))


def seats_held(event):
    """The counter and the rows that hold a seat, which must agree."""
    event.refresh_from_db()
    rows = Registration.objects.filter(event=event, status__in=Registration.HOLDS_SEAT).count()
    return event.held_seat_count, rows


def test_200_members_racing_for_50_seats_get_50_seats_and_a_line_in_arrival_order():
    event = EventFactory(capacity=50, starts_at=timezone.now() + timedelta(days=7))
    members = UserFactory.create_batch(200)

    errors = at_once(
        [
            lambda m=member: registrations.register_for_event(event_id=event.pk, member=m)
            for member in members
        ]
    )

    assert errors == [None] * 200
    assert seats_held(event) == (50, 50)
    confirmed = list(
        Registration.objects.filter(event=event, status="confirmed").order_by("registered_at")
    )
    line = list(
        Registration.objects.filter(event=event, status="waitlisted").order_by("waitlist_position")
    )
    assert len(confirmed) == 50
    assert [r.waitlist_position for r in line] == list(range(1, 151))
    # Arrival order is the order members took the event's lock: every seat went to someone
    # who arrived before anyone who waits, and the line is in the order they arrived.
    assert max(r.registered_at for r in confirmed) < min(r.registered_at for r in line)
    assert [r.registered_at for r in line] == sorted(r.registered_at for r in line)


def full_event(seats=50, waiting=150):
    """A full event and its line, as registering would leave them (built directly: fast)."""
    event = EventFactory(capacity=seats, starts_at=timezone.now() + timedelta(days=7))
    members = UserFactory.create_batch(seats + waiting)
    for member in members[:seats]:
        RegistrationFactory(event=event, member=member)
    for member in members[seats:]:
        RegistrationFactory(event=event, member=member, waitlisted=True)
    return event, members[:seats], members[seats:]


def test_10_cancellations_at_once_offer_exactly_10_seats_to_the_next_10():
    event, seated, waiting = full_event()

    errors = at_once(
        [
            lambda m=member: registrations.cancel_registration(event_id=event.pk, member=m)
            for member in seated[:10]
        ]
    )

    assert errors == [None] * 10
    assert seats_held(event) == (50, 50)
    offered = Registration.objects.filter(event=event, status="offered")
    assert sorted(offered.values_list("waitlist_position", flat=True)) == list(range(1, 11))
    assert set(offered.values_list("member_id", flat=True)) == {m.pk for m in waiting[:10]}
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 140


def test_claims_declines_cancellations_registrations_and_expiries_racing_never_overbook():
    event, seated, waiting = full_event()
    for member in seated[:20]:
        registrations.cancel_registration(event_id=event.pk, member=member)
    offered = waiting[:20]
    later = timezone.now() + timedelta(hours=25)  # past the offers' 24-hour deadlines
    # The claimed and declined offers run past `later`, so those calls succeed whatever
    # order the threads take; the six others are due, and expire during the race.
    Registration.objects.filter(event=event, member__in=offered[:14]).update(
        offer_expires_at=timezone.now() + timedelta(hours=48)
    )
    newcomers = UserFactory.create_batch(10)

    errors = at_once(
        [lambda m=m: registrations.claim_offer(event_id=event.pk, member=m) for m in offered[:8]]
        + [
            lambda m=m: registrations.decline_offer(event_id=event.pk, member=m)
            for m in offered[8:14]
        ]
        + [
            lambda m=m: registrations.cancel_registration(event_id=event.pk, member=m)
            for m in seated[20:30]
        ]
        + [
            lambda m=m: registrations.register_for_event(event_id=event.pk, member=m)
            for m in newcomers
        ]
        + [lambda: registrations.expire_due_offers(now=later) for _ in range(4)]
    )

    assert errors == [None] * 38
    assert seats_held(event) == (50, 50)
    by_status = Registration.objects.filter(event=event)
    # Seats: the 20 never cancelled and the 8 claimed; every freed seat is offered at once.
    assert by_status.filter(status="confirmed").count() == 28
    assert by_status.filter(status="offered").count() == 22
    assert set(by_status.filter(member__in=offered[:8]).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert set(by_status.filter(member__in=offered[8:14]).values_list("status", "ending")) == {
        ("cancelled", "declined")
    }
    assert set(by_status.filter(member__in=offered[14:]).values_list("status", "ending")) == {
        ("cancelled", "expired")
    }
    # Newcomers join the end of the line: the event was full the whole time.
    assert sorted(
        by_status.filter(member__in=newcomers).values_list("status", "waitlist_position")
    ) == [("waitlisted", position) for position in range(151, 161)]
