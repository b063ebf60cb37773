"""Events' kinds of notification and email, and what an event looks like as a notification
target. Registered with members' registry in config/wiring.py.

Event emails carry details a generic notification email cannot (a claim deadline, the join
link, a calendar entry), so events send their own, through members' send path (the
member's choice for the kind, one-click unsubscribe, the Delivery ledger); the inbox gets a
notification for the moments that need action (a seat offered or confirmed, a change, a
cancellation), written with notify(sends_own_email=True).
"""

from __future__ import annotations

from collections.abc import Sequence

from events import policies
from members.hooks import NotificationTarget
from members.models import EmailMode, User
from members.notifications import NotificationKind

REGISTRATION = "event_registration"
SEAT = "event_seat"
REMINDER = "event_reminder"
CHANGE = "event_changed"
RECORDING = "event_recording"
QUESTION = "event_question"
PROPOSAL = "event_proposal"

EVENT_KINDS = [
    NotificationKind(
        REGISTRATION,
        "Event registrations",
        "Your seat is confirmed, or you are on the waitlist.",
        EmailMode.IMMEDIATELY,
        text="You registered for “{title}”",
        group_text="You registered for “{title}”",
        icon="calendar",
    ),
    NotificationKind(
        SEAT,
        "Seats from the waitlist",
        "A seat frees up for you, or your offer of one runs out.",
        EmailMode.IMMEDIATELY,
        text="A seat is yours to claim at “{title}”",
        group_text="A seat is yours to claim at “{title}”",
        is_critical=True,
        icon="calendar",
    ),
    NotificationKind(
        REMINDER,
        "Event reminders",
        "A day and an hour before an event you registered for (and a note if you are still "
        "waiting for a seat).",
        EmailMode.IMMEDIATELY,
        text="“{title}” starts soon",
        group_text="“{title}” starts soon",
        on_site_default=False,
        icon="bell",
    ),
    NotificationKind(
        CHANGE,
        "Event changes",
        "An event you registered for moves, changes or is cancelled.",
        EmailMode.IMMEDIATELY,
        text="“{title}” changed",
        group_text="“{title}” changed {count} times",
        is_critical=True,
        icon="calendar",
    ),
    NotificationKind(
        RECORDING,
        "Event recordings",
        "The recording of an event you registered for, and a question about how it went.",
        EmailMode.IMMEDIATELY,
        text="The recording of “{title}” is up",
        group_text="The recording of “{title}” is up",
        icon="play",
    ),
    NotificationKind(
        QUESTION,
        "Your AMA questions",
        "A host answers or approves a question you asked in an AMA.",
        EmailMode.NEVER,
        text="Your question in “{title}” was answered",
        group_text="{count} of your questions in “{title}” were answered",
        icon="message",
    ),
    NotificationKind(
        PROPOSAL,
        "Masterclass proposals",
        "A masterclass you proposed or backed is scheduled or declined.",
        EmailMode.IMMEDIATELY,
        text="News about the masterclass “{title}”",
        group_text="News about the masterclass “{title}”",
        icon="spark",
    ),
]


def event_scope(event_id: int) -> str:
    """The scope whose reading marks an event's notifications read."""
    return f"event:{event_id}"


def resolve_events(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Events the member may see now, as notification targets (one query)."""
    events = policies.visible_events(member).filter(pk__in=ids).only("id", "title")
    return {
        event.pk: NotificationTarget(
            title=event.title, url=event.get_absolute_url(), scope=event_scope(event.pk)
        )
        for event in events
    }


def resolve_proposals(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Masterclass proposals (members see every proposal), as notification targets."""
    from events.models import Proposal

    return {
        proposal.pk: NotificationTarget(title=proposal.title, url=proposal.get_absolute_url())
        for proposal in Proposal.objects.filter(pk__in=ids).only("id", "title")
    }
