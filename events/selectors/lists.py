"""Event lists: upcoming (filters: kind, topic, "for me") and past events with their
recordings, keyset-paginated; shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from community.pagination import Cursor
from core.models import Topic
from events import policies
from events.models import Event, Registration
from events.times import time_range_label
from members.models import User
from members.policies import Viewer

EVENTS_PER_PAGE = 20
HOST_FIELDS = (
    "id",
    "handle",
    "display_name",
    "avatar",
    "avatar_small",
    "is_active",
    "profile_visibility",
)


class When:
    """Which events a list shows: upcoming (not ended) or past."""

    UPCOMING = "upcoming"
    PAST = "past"
    values = (UPCOMING, PAST)


@dataclass(frozen=True)
class EventFilters:
    """What narrows a list of events; empty values mean "any"."""

    kind: str = ""
    topic: str = ""
    for_me: bool = False

    @property
    def is_narrowed(self) -> bool:
        return bool(self.kind or self.topic or self.for_me)


NO_EVENT_FILTERS = EventFilters()


def viewer_zone(viewer: Viewer) -> tzinfo:
    """The zone times are shown in: the member's own, UTC for visitors."""
    return viewer.zone if isinstance(viewer, User) else timezone.get_current_timezone()


def hosts_prefetch() -> Prefetch[Any]:
    """Hosts with only what a name and avatar need."""
    return Prefetch("hosts", queryset=User.objects.only(*HOST_FIELDS).order_by("pk"))


def topics_prefetch() -> Prefetch[Any]:
    """Topics with only what a chip needs."""
    return Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name", "position"))


def with_list_relations(events: QuerySet[Event]) -> QuerySet[Event]:
    """Events with what a row shows loaded: tiers, hosts, topics."""
    return events.select_related("minimum_tier", "early_access_tier").prefetch_related(
        hosts_prefetch(), topics_prefetch()
    )


@dataclass(frozen=True)
class EventRow:
    """One event in a list, its labels computed once for the viewer."""

    event: Event
    url: str
    when: str
    my_status: str
    is_full: bool
    has_early_access: bool

    @property
    def hosts(self) -> list[User]:
        return list(self.event.hosts.all())

    @property
    def topics(self) -> list[Topic]:
        return list(self.event.topics.all())


def event_row(
    event: Event, *, zone: tzinfo, my_status: str, viewer: Viewer, now: datetime
) -> EventRow:
    """A list row for `event` as `viewer` sees it."""
    return EventRow(
        event=event,
        url=event.get_absolute_url(),
        when=time_range_label(event.starts_at, event.ends_at, zone),
        my_status=my_status,
        is_full=event.capacity is not None and event.held_seat_count >= event.capacity,
        has_early_access=policies.has_early_access(viewer, event, now)
        and event.registration_opens_at is not None
        and now < event.registration_opens_at,
    )


def my_statuses(viewer: Viewer, event_ids: list[int]) -> dict[int, str]:
    """event id -> the member's registration status, for these events. One query."""
    if not isinstance(viewer, User) or not event_ids:
        return {}
    return dict(
        Registration.objects.filter(member=viewer, event_id__in=event_ids).values_list(
            "event_id", "status"
        )
    )


def apply_event_filters(
    events: QuerySet[Event], filters: EventFilters, viewer: Viewer
) -> QuerySet[Event]:
    """`events` narrowed by `filters` (subqueries: no duplicate rows, no extra query).
    "For me": in the member's topics, or for their tier (tier-only, or early access)."""
    topics = Event.topics.through.objects.filter(event_id=OuterRef("pk"))
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.topic:
        events = events.filter(Exists(topics.filter(topic__slug=filters.topic)))
    if filters.for_me and isinstance(viewer, User):
        mine = Q(Exists(topics.filter(topic__members=viewer)))
        rank = policies.tier_rank(viewer)
        if rank is not None:
            mine |= Q(access=Event.Access.TIER, minimum_tier__rank__lte=rank)
            mine |= Q(early_access_tier__rank__lte=rank)
        events = events.filter(mine)
    return events


@dataclass
class EventListPage:
    """One page of an event list."""

    rows: list[EventRow]
    next_cursor: str | None = None


@dataclass(frozen=True)
class EventListScreen:
    """The upcoming or past events page (and the API's event list)."""

    when: str
    page: EventListPage
    filters: EventFilters
    topics: QuerySet[Topic]
    kinds: list[tuple[str, str]] = field(default_factory=lambda: list(Event.Kind.choices))
    is_first_page: bool = True
    can_filter_for_me: bool = False
    can_create: bool = False
    can_propose: bool = False


def list_events(
    *,
    viewer: Viewer,
    when: str = When.UPCOMING,
    filters: EventFilters = NO_EVENT_FILTERS,
    position: Cursor | None = None,
    now: datetime | None = None,
) -> EventListPage:
    """Events the viewer may see, upcoming (not ended; soonest first; drafts for staff and
    their hosts) or past (ended; latest first), keyset-paginated. Cancelled events are
    left out of both. Costs four queries (events, hosts, topics, the member's
    registrations), three for a visitor."""
    now = now or timezone.now()
    events = apply_event_filters(policies.visible_events(viewer), filters, viewer)
    if when == When.PAST:
        events = events.filter(
            status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED], ends_at__lte=now
        )
        order = ("-ends_at", "-id")
        if position is not None:
            events = events.filter(ends_at__lte=position.at).filter(
                Q(ends_at__lt=position.at) | Q(ends_at=position.at, id__lt=position.id)
            )
    else:
        events = events.filter(
            status__in=[Event.Status.DRAFT, Event.Status.PUBLISHED], ends_at__gt=now
        )
        order = ("starts_at", "id")
        if position is not None:
            events = events.filter(starts_at__gte=position.at).filter(
                Q(starts_at__gt=position.at) | Q(starts_at=position.at, id__gt=position.id)
            )
    found = list(with_list_relations(events).order_by(*order)[: EVENTS_PER_PAGE + 1])
    shown = found[:EVENTS_PER_PAGE]
    statuses = my_statuses(viewer, [event.pk for event in shown])
    zone = viewer_zone(viewer)
    page = EventListPage(
        rows=[
            event_row(
                event, zone=zone, my_status=statuses.get(event.pk, ""), viewer=viewer, now=now
            )
            for event in shown
        ]
    )
    if len(found) > EVENTS_PER_PAGE:
        last = shown[-1]
        page.next_cursor = Cursor(
            at=last.ends_at if when == When.PAST else last.starts_at, id=last.pk
        ).encode()
    return page


def get_event_list_screen(
    *,
    viewer: Viewer,
    when: str = When.UPCOMING,
    filters: EventFilters = NO_EVENT_FILTERS,
    position: Cursor | None = None,
) -> EventListScreen:
    """The upcoming or past events screen: a page of events and the filters' choices (a
    lazy queryset of topics: the page reads it, the API does not)."""
    member = viewer if isinstance(viewer, User) and viewer.is_active else None
    return EventListScreen(
        when=when,
        page=list_events(viewer=viewer, when=when, filters=filters, position=position),
        filters=filters,
        topics=Topic.objects.only("slug", "name"),
        is_first_page=position is None,
        can_filter_for_me=member is not None,
        can_create=policies.is_staff(viewer),
        can_propose=member is not None,
    )
