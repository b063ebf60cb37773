"""The host's dashboard (registrants, waitlist, questions, check-in) and the ratings staff
see per event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, Q
from django.utils import timezone

from events import policies
from events.models import Event, Rating, Registration
from events.selectors.event_page import QuestionList, get_event, question_list
from events.selectors.lists import HOST_FIELDS, viewer_zone
from events.times import time_range_label
from members.policies import Viewer

REGISTRANTS_SHOWN = 300


@dataclass(frozen=True)
class RatingSummary:
    """An event's ratings: how many, the average, the count of each score, the comments."""

    count: int
    average: float | None
    distribution: dict[int, int]
    comments: list[Rating] = field(default_factory=list)

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(score, count, percent of all) from 5 down to 1, for the page's bar chart."""
        total = max(self.count, 1)
        return [
            (score, self.distribution[score], round(100 * self.distribution[score] / total))
            for score in range(5, 0, -1)
        ]


def rating_summary(*, event: Event) -> RatingSummary:
    """The event's ratings (two queries: the tallies, the latest comments)."""
    tallies = Rating.objects.filter(event=event).aggregate(
        count=Count("id"),
        average=Avg("score"),
        **{f"score_{score}": Count("id", filter=Q(score=score)) for score in range(1, 6)},
    )
    comments = list(
        Rating.objects.filter(event=event)
        .exclude(comment="")
        .select_related("member")
        .order_by("-updated_at")[:50]
    )
    average = tallies["average"]
    return RatingSummary(
        count=tallies["count"],
        average=round(float(average), 2) if average is not None else None,
        distribution={score: tallies[f"score_{score}"] for score in range(1, 6)},
        comments=comments,
    )


@dataclass(frozen=True)
class HostScreen:
    """The host dashboard: who has a seat (searchable, with check-in), who waits (in
    order), the AMA's questions with every author, the attendance code, and for staff the
    ratings."""

    event: Event
    when: str
    registrants: list[Registration]
    registrant_count: int
    attended_count: int
    query: str
    waitlist: list[Registration]
    offers: list[Registration]
    questions: QuestionList | None
    attendance_code: str
    can_check_in_now: bool
    can_share_recording: bool
    ratings: RatingSummary | None
    can_manage: bool


def get_host_screen(
    *, viewer: Viewer, event_id: int, query: str = "", now: datetime | None = None
) -> HostScreen:
    """The host dashboard of an event. Raises Event.DoesNotExist (a 404) when the viewer
    may not see the event or does not host it (and is not staff).

    Costs a fixed number of queries: the event, hosts, topics, counts, the registrants
    shown, the waitlist and offers, the questions (AMA), the ratings (staff)."""
    now = now or timezone.now()
    event = get_event(viewer=viewer, event_id=event_id)
    if not policies.can_run_event(viewer, event):
        raise Event.DoesNotExist
    seats = Registration.objects.filter(event=event, status__in=Registration.HAS_SEAT)
    counts = seats.aggregate(
        total=Count("id"), attended=Count("id", filter=Q(status=Registration.Status.ATTENDED))
    )
    shown = seats
    if query:
        term = query.lstrip("@")
        shown = shown.filter(
            Q(member__handle__icontains=term) | Q(member__display_name__icontains=term)
        )
    member_fields = tuple(f"member__{name}" for name in (*HOST_FIELDS, "email", "time_zone"))
    registrants = list(
        shown.select_related("member")
        .only("id", "event_id", "status", "confirmed_at", "attended_at", *member_fields)
        .order_by("member__handle")[:REGISTRANTS_SHOWN]
    )
    line = list(
        Registration.objects.filter(
            event=event,
            status__in=[Registration.Status.WAITLISTED, Registration.Status.OFFERED],
        )
        .select_related("member")
        .order_by("waitlist_position")
    )
    is_staff = policies.is_staff(viewer)
    return HostScreen(
        event=event,
        when=time_range_label(event.starts_at, event.ends_at, viewer_zone(viewer)),
        registrants=registrants,
        registrant_count=counts["total"],
        attended_count=counts["attended"],
        query=query,
        waitlist=[r for r in line if r.status == Registration.Status.WAITLISTED],
        offers=[r for r in line if r.status == Registration.Status.OFFERED],
        questions=(
            question_list(viewer=viewer, event=event, registration=None, now=now)
            if event.is_ama
            else None
        ),
        attendance_code=event.attendance_code,
        can_check_in_now=now >= event.starts_at - policies.CHECK_IN_OPENS_BEFORE
        and event.status != Event.Status.CANCELLED,
        can_share_recording=event.status != Event.Status.CANCELLED
        and (event.status == Event.Status.FINISHED or now >= event.ends_at),
        ratings=rating_summary(event=event) if is_staff else None,
        can_manage=is_staff,
    )
