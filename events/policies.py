"""Who may see and do what with events: the one place pages, API, calendars, feeds, emails,
notifications and the digest ask. Invisible events answer 404, never 403.

An event's access mirrors a forum category's (community.policies.category_access_filter):
public, signed-in members, or members of a minimum tier; staff see everything. Drafts are
seen by staff and the event's hosts only. The join link is for confirmed registrants,
hosts and staff: never the waitlist, visitors or search.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from events.models import Event, Question, Registration
from members.models import User
from members.policies import Viewer, is_member, is_moderator

#: Members may check themselves in with the event's code from this long before the start.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)


def is_staff(viewer: Viewer) -> bool:
    """Active staff: they create, edit, publish and cancel events."""
    return isinstance(viewer, User) and viewer.is_active and viewer.is_staff


def tier_rank(viewer: Viewer) -> int | None:
    """The rank of the member's tier, or None (visitors, members without a tier)."""
    if not isinstance(viewer, User) or viewer.tier_id is None:
        return None
    tier = viewer.tier
    return tier.rank if tier else None


def event_access_filter(viewer: Viewer, prefix: str = "") -> Q:
    """A Q over Event (or, with prefix "event__", over a relation to it): the events whose
    access level lets the viewer in, whatever their status."""
    public = Q(**{f"{prefix}access": Event.Access.PUBLIC})
    if not is_member(viewer):
        return public
    if is_staff(viewer):
        return Q()
    allowed = public | Q(**{f"{prefix}access": Event.Access.MEMBERS})
    rank = tier_rank(viewer)
    if rank is not None:
        allowed |= Q(
            **{f"{prefix}access": Event.Access.TIER, f"{prefix}minimum_tier__rank__lte": rank}
        )
    return allowed


def visible_events(viewer: Viewer) -> QuerySet[Event]:
    """The events the viewer may open: access allows it, and it is not a draft (drafts:
    staff and the event's own hosts)."""
    events = Event.objects.filter(event_access_filter(viewer))
    if is_staff(viewer):
        return events
    not_draft = ~Q(status=Event.Status.DRAFT)
    if isinstance(viewer, User) and viewer.is_active:
        hosting = Event.hosts.through.objects.filter(event_id=OuterRef("pk"), user_id=viewer.pk)
        return events.filter(not_draft | Exists(hosting))
    return events.filter(not_draft)


def can_view_event(viewer: Viewer, event: Event) -> bool:
    """Whether the viewer may open `event` (the same rule as visible_events, for one
    loaded event with its hosts prefetched)."""
    if is_staff(viewer):
        return True
    if event.status == Event.Status.DRAFT:
        return isinstance(viewer, User) and viewer.is_active and is_host(viewer, event)
    if event.access == Event.Access.PUBLIC:
        return True
    if not is_member(viewer):
        return False
    if event.access == Event.Access.MEMBERS:
        return True
    rank = tier_rank(viewer)
    return rank is not None and event.minimum_tier is not None and rank >= event.minimum_tier.rank


def is_host(viewer: Viewer, event: Event) -> bool:
    """Whether the viewer hosts the event. Reads `event.hosts` (prefetch it)."""
    return isinstance(viewer, User) and any(host.pk == viewer.pk for host in event.hosts.all())


def can_manage_event(viewer: Viewer, event: Event) -> bool:
    """Edit, publish, cancel, share the recording: staff only (hosts run the event itself)."""
    return is_staff(viewer)


def can_run_event(viewer: Viewer, event: Event) -> bool:
    """The host dashboard: registrants, waitlist, questions, check-in. Hosts and staff."""
    return is_staff(viewer) or (
        isinstance(viewer, User) and viewer.is_active and is_host(viewer, event)
    )


def can_moderate_questions(viewer: Viewer, event: Event) -> bool:
    """Approve, star, answer and archive AMA questions, and see anonymous authors: hosts,
    moderators and staff."""
    return can_run_event(viewer, event) or is_moderator(viewer)


def can_see_join_link(viewer: Viewer, event: Event, registration: Registration | None) -> bool:
    """Confirmed (or attended) registrants, hosts and staff; never the waitlist, an offer
    not yet claimed, visitors or a cancelled event."""
    if event.status == Event.Status.CANCELLED or not event.join_url:
        return False
    if can_run_event(viewer, event):
        return True
    return registration is not None and registration.has_seat


def registration_window_open(viewer: Viewer, event: Event, now: datetime) -> tuple[bool, str]:
    """Whether registration is open to the viewer now, and if not, why (a sentence).

    Open between the opening (or, for the early-access tier and above, the early opening)
    and the close (default: the start), on a published event."""
    if event.status != Event.Status.PUBLISHED:
        return False, "This event is not taking registrations."
    closes_at = event.registration_closes_at or event.starts_at
    if now >= min(closes_at, event.starts_at):
        return False, "Registration has closed."
    opens_at = event.registration_opens_at
    if opens_at is None or now >= opens_at:
        return True, ""
    if has_early_access(viewer, event, now):
        return True, ""
    return False, "Registration has not opened yet."


def has_early_access(viewer: Viewer, event: Event, now: datetime) -> bool:
    """Members of the early-access tier (or higher) once the early window has opened."""
    if event.early_access_tier is None or event.early_access_opens_at is None:
        return False
    rank = tier_rank(viewer)
    return (
        rank is not None
        and rank >= event.early_access_tier.rank
        and now >= event.early_access_opens_at
    )


def can_ask_questions(
    viewer: Viewer, event: Event, registration: Registration | None, now: datetime
) -> bool:
    """Before and during an AMA (until it ends), registrants (with a seat or waiting) and
    the event's hosts ask questions."""
    if not event.is_ama or event.status != Event.Status.PUBLISHED or now >= event.ends_at:
        return False
    if can_run_event(viewer, event):
        return True
    return registration is not None and registration.is_active


def can_vote(
    viewer: Viewer, event: Event, registration: Registration | None, now: datetime
) -> bool:
    """Whoever may ask may vote (not on their own questions: see can_vote_on)."""
    return can_ask_questions(viewer, event, registration, now)


def can_vote_on(viewer: Viewer, question: Question) -> bool:
    """Nobody votes for their own question, and only on questions others can see."""
    return (
        isinstance(viewer, User)
        and question.author_id != viewer.pk
        and question.status != Question.Status.PENDING
    )


def can_check_in_with_code(event: Event, registration: Registration | None, now: datetime) -> bool:
    """A confirmed registrant enters the code during the event (from 15 minutes before)."""
    return (
        event.status in (Event.Status.PUBLISHED, Event.Status.FINISHED)
        and registration is not None
        and registration.status == Registration.Status.CONFIRMED
        and event.starts_at - CHECK_IN_OPENS_BEFORE <= now < event.ends_at
    )


def can_rate(event: Event, registration: Registration | None, now: datetime) -> bool:
    """Attendees rate an event once it has started."""
    return (
        registration is not None
        and registration.status == Registration.Status.ATTENDED
        and now >= event.starts_at
    )


def members_who_can_view(event: Event) -> QuerySet[User]:
    """The active members who may open `event` (the same rule, seen from the other side),
    for fan-out."""
    members = User.objects.filter(is_active=True)
    if event.status == Event.Status.DRAFT:
        return members.filter(Q(is_staff=True) | Q(hosted_events=event))
    if event.access in (Event.Access.PUBLIC, Event.Access.MEMBERS):
        return members
    minimum = event.minimum_tier
    if minimum is None:
        return members.filter(is_staff=True)
    return members.filter(Q(is_staff=True) | Q(tier__rank__gte=minimum.rank))
