"""The home page: a member's community (threads, watched threads, events) and, for a
visitor, a window on a living place (recent public threads, members, what is coming).

It lives in the top layer because it shows both the forum and events; core routes "/" and
config/wiring.py plugs the view in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from community import policies as forum_policies
from community.models import Subscription
from community.selectors import ListFilter, ThreadListPage, ThreadRow, list_threads
from community.selectors.feeds import get_for_you_screen
from community.selectors.threads import read_markers
from events import policies
from events.models import Event, Registration
from events.selectors.lists import (
    EventRow,
    event_row,
    list_events,
    viewer_zone,
    with_list_relations,
)
from members.loyalty import periods
from members.loyalty.models import BadgeAward
from members.loyalty.selectors import Progress, get_progress
from members.models import Tier, User
from members.policies import Viewer, is_member, visible_members

#: The tabs of a member's home, in order: (value of ?filter=, label).
HOME_TABS = (
    (ListFilter.ALL, "Latest"),
    (ListFilter.UNREAD, "Unread"),
    (ListFilter.NEW, "New"),
    ("for-you", "For you"),
)
FOR_YOU = "for-you"
HOME_WATCHED = 8
HOME_EVENTS = 4
VISITOR_THREADS = 8
VISITOR_MEMBERS = 12


@dataclass(frozen=True)
class WatchedThread:
    """A thread the member watches, with what they have not read yet."""

    title: str
    url: str
    unread_count: int
    unread_url: str


@dataclass(frozen=True)
class LoyaltyPanel:
    """The member's standing on their home: points, tier and the way to the next one (the
    tiers page's progress), and how many badges they hold."""

    progress: Progress
    badge_count: int


@dataclass(frozen=True)
class HomeScreen:
    """Everything "/" shows. A member: the tab (`list_filter`) with its threads (`threads`
    for Latest, Unread and New; `picks` for For you), the threads they watch, upcoming
    events they may see and those they registered for. A visitor: recent public threads,
    recently active public members, upcoming public events (`threads.rows`, `members`,
    `upcoming`). A member's `loyalty`: their points, tier progress and badges."""

    is_member: bool
    list_filter: str
    threads: ThreadListPage | None
    picks: list[ThreadRow] = field(default_factory=list)
    watched: list[WatchedThread] = field(default_factory=list)
    upcoming: list[EventRow] = field(default_factory=list)
    registered: list[EventRow] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    member_count: int = 0
    loyalty: LoyaltyPanel | None = None

    @property
    def tabs(self) -> tuple[tuple[str, str], ...]:
        return HOME_TABS

    @property
    def visitor_threads(self) -> list[ThreadRow]:
        return self.threads.rows[:VISITOR_THREADS] if self.threads else []


def _watched_threads(member: User) -> list[WatchedThread]:
    """The threads the member watches that they may still see, latest activity first. Two
    queries (subscriptions with their threads, read markers)."""
    rows = list(
        Subscription.objects.filter(
            member=member,
            level=Subscription.Level.WATCHING,
            thread__in=forum_policies.visible_threads(member),
        )
        .select_related("thread")
        .only(
            "thread__id",
            "thread__title",
            "thread__post_count",
            "thread__last_published_number",
            "thread__last_activity_at",
        )
        .order_by("-thread__last_activity_at", "-thread_id")[:HOME_WATCHED]
    )
    read, _ = read_markers(
        member=member, thread_ids=[row.thread_id for row in rows if row.thread_id]
    )
    watched = []
    for row in rows:
        thread = row.thread
        assert thread is not None  # noqa: S101  # filtered on a visible thread
        last_read = read.get(thread.pk)
        unread = (
            max(thread.last_published_number - last_read, 0)
            if last_read is not None
            else thread.post_count
        )
        watched.append(
            WatchedThread(
                title=thread.title,
                url=thread.get_absolute_url(),
                unread_count=max(unread, 0),
                unread_url=reverse("community:thread-unread", args=[thread.pk]),
            )
        )
    return watched


def _registered_events(member: User, now: datetime) -> list[EventRow]:
    """Upcoming events the member holds a seat, an offer or a waitlist place for, soonest
    first. Four queries when there are some (registrations, events, hosts, topics)."""
    statuses = dict(
        Registration.objects.filter(
            member=member, status__in=Registration.ACTIVE, event__ends_at__gt=now
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .order_by("event__starts_at", "event_id")
        .values_list("event_id", "status")[:HOME_EVENTS]
    )
    if not statuses:
        return []
    events = with_list_relations(
        policies.visible_events(member).filter(pk__in=list(statuses))
    ).order_by("starts_at", "id")
    zone = viewer_zone(member)
    return [
        event_row(event, zone=zone, my_status=statuses[event.pk], viewer=member, now=now)
        for event in events
    ]


def _loyalty_panel(member: User) -> LoyaltyPanel:
    """The member's loyalty standing. Queries: the tiers, the progress (window sums, the
    points state, any tier grant, and the date they reached their tier when they have one:
    see members.loyalty.selectors.get_progress), the badges they hold."""
    progress = get_progress(
        member=member, all_tiers=list(Tier.objects.order_by("rank")), now=periods.now()
    )
    badges = BadgeAward.objects.filter(member=member, badge__is_active=True).count()
    return LoyaltyPanel(progress=progress, badge_count=badges)


def get_home_screen(*, viewer: Viewer, list_filter: str = ListFilter.ALL) -> HomeScreen:
    """The home screen for `viewer` (see HomeScreen). `list_filter` is "", "unread", "new"
    or "for-you" (anything else: Latest); visitors always get the visitor home.

    A fixed number of queries whatever the number of rows: the thread list (see
    list_threads) or For you, the watched threads, upcoming events (see list_events), the
    member's registrations and their loyalty standing (see _loyalty_panel); for a visitor
    the thread list, members and their count, and events.
    """
    now = timezone.now()
    if not (isinstance(viewer, User) and is_member(viewer)):
        members = visible_members(viewer).order_by("-last_active_at", "-id")
        return HomeScreen(
            is_member=False,
            list_filter=ListFilter.ALL,
            threads=list_threads(viewer=viewer),
            upcoming=list_events(viewer=viewer, now=now).rows[:HOME_EVENTS],
            members=list(members[:VISITOR_MEMBERS]),
            member_count=members.count(),
        )
    if list_filter not in (*ListFilter.values, FOR_YOU):
        list_filter = ListFilter.ALL
    is_for_you = list_filter == FOR_YOU
    return HomeScreen(
        is_member=True,
        list_filter=list_filter,
        threads=None if is_for_you else list_threads(viewer=viewer, list_filter=list_filter),
        picks=get_for_you_screen(member=viewer).rows if is_for_you else [],
        watched=_watched_threads(viewer),
        upcoming=list_events(viewer=viewer, now=now).rows[:HOME_EVENTS],
        registered=_registered_events(viewer, now),
        loyalty=_loyalty_panel(viewer),
    )
