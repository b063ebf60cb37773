"""Staff create, edit, publish and cancel events (after an event: endings.py; covers:
covers.py). Each change that a calendar shows raises the entry's SEQUENCE, and each
one that concerns people who registered is emailed to them (the calendar feed is a
convenience; email is how they hear). A moved start re-arms the reminders, because
reminders are recorded per start time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from community import policies as community_policies
from community.models import Category
from community.services import posting
from core.markdown import render_markdown
from core.models import Topic
from core.params import without_control_characters
from core.queueing import enqueue_on_commit
from events import notifications, policies
from events.exceptions import InvalidEventError, NotAllowedError
from events.models import Event, Registration
from events.services.messages import Message
from events.services.registrations import fill_free_seats
from members.models import Tier, User
from members.notifications.services import notify
from members.validators import available_time_zones, web_url

MIN_TITLE_LENGTH = 5
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 20_000
MAX_DURATION = timedelta(days=3)
MAX_CAPACITY = 100_000
#: Emails to registrants are handed to workers this many members at a time.
FANOUT_CHUNK = 500

#: Fields whose change a calendar shows; all but the description are emailed too.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "place", "join_url")


@dataclass(frozen=True)
class EventDetails:
    """What staff write about an event (everything but its state and counters)."""

    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    hosts: Sequence[User]
    capacity: int | None = None
    access: str = Event.Access.PUBLIC
    minimum_tier: Tier | None = None
    early_access_tier: Tier | None = None
    early_access_opens_at: datetime | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    join_url: str = ""
    place: str = ""
    topics: Sequence[Topic] = field(default_factory=list)


def is_web_link(value: str) -> bool:
    """An http(s) link (never javascript: or data:), the one rule for links staff and hosts
    give: join links, recordings, answers."""
    try:
        web_url(value)
    except ValidationError:
        return False
    return True


def ensure_staff(actor: User) -> None:
    """Raises NotAllowedError unless the actor is active staff."""
    if not policies.is_staff(actor):
        raise NotAllowedError("Only staff create and edit events.")


def _clean(details: EventDetails, *, now: datetime, is_new: bool) -> dict[str, object]:
    """The model fields for `details`, checked. Raises InvalidEventError naming the field."""
    title = " ".join(without_control_characters(details.title).split())
    if not MIN_TITLE_LENGTH <= len(title) <= MAX_TITLE_LENGTH:
        raise InvalidEventError(
            f"Give the event a title of {MIN_TITLE_LENGTH} to {MAX_TITLE_LENGTH} characters.",
            field="title",
        )
    description = without_control_characters(details.description).strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidEventError(
            f"Descriptions are limited to {MAX_DESCRIPTION_LENGTH:,} characters.",
            field="description",
        )
    if details.kind not in Event.Kind.values:
        raise InvalidEventError("Choose the kind of event.", field="kind")
    if details.time_zone not in available_time_zones():
        raise InvalidEventError("Choose a time zone from the list.", field="time_zone")
    if details.ends_at <= details.starts_at:
        raise InvalidEventError("The event must end after it starts.", field="ends_at")
    if details.ends_at - details.starts_at > MAX_DURATION:
        raise InvalidEventError("An event lasts at most three days.", field="ends_at")
    if is_new and details.starts_at <= now:
        raise InvalidEventError("A new event starts in the future.", field="starts_at")
    if details.capacity is not None and not 1 <= details.capacity <= MAX_CAPACITY:
        raise InvalidEventError(
            f"Give 1 to {MAX_CAPACITY:,} seats, or leave it empty for unlimited.",
            field="capacity",
        )
    if details.access not in Event.Access.values:
        raise InvalidEventError("Choose who may see the event.", field="access")
    if details.access == Event.Access.TIER and details.minimum_tier is None:
        raise InvalidEventError("Choose the tier a tier-only event is for.", field="minimum_tier")
    early = (details.early_access_tier, details.early_access_opens_at)
    if (early[0] is None) != (early[1] is None):
        raise InvalidEventError(
            "Early access needs both a tier and the time it opens.", field="early_access_opens_at"
        )
    opens_at, closes_at = details.registration_opens_at, details.registration_closes_at
    if early[1] is not None:
        if opens_at is None:
            raise InvalidEventError(
                "With early access, say when registration opens to everyone.",
                field="registration_opens_at",
            )
        if early[1] >= opens_at:
            raise InvalidEventError(
                "Early access opens before registration opens to everyone.",
                field="early_access_opens_at",
            )
    if opens_at is not None and opens_at >= details.starts_at:
        raise InvalidEventError(
            "Registration opens before the event starts.", field="registration_opens_at"
        )
    if closes_at is not None:
        if closes_at > details.starts_at:
            raise InvalidEventError(
                "Registration closes at the start at the latest.", field="registration_closes_at"
            )
        if opens_at is not None and closes_at <= opens_at:
            raise InvalidEventError(
                "Registration closes after it opens.", field="registration_closes_at"
            )
    if not details.hosts:
        raise InvalidEventError("Name at least one host.", field="hosts")
    join_url = details.join_url.strip()
    if join_url and not is_web_link(join_url):
        raise InvalidEventError("Use a link that starts with https://.", field="join_url")
    return {
        "kind": details.kind,
        "title": title,
        "description": description,
        "description_html": render_markdown(description).html if description else "",
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "time_zone": details.time_zone,
        "capacity": details.capacity,
        "access": details.access,
        "minimum_tier": details.minimum_tier if details.access == Event.Access.TIER else None,
        "early_access_tier": details.early_access_tier,
        "early_access_opens_at": details.early_access_opens_at,
        "registration_opens_at": opens_at,
        "registration_closes_at": closes_at,
        "join_url": join_url,
        "place": " ".join(without_control_characters(details.place).split()),
    }


@transaction.atomic
def create_event(*, actor: User, details: EventDetails) -> Event:
    """A draft event, seen by staff and its hosts until published.

    Raises NotAllowedError (not staff), InvalidEventError (naming the field)."""
    ensure_staff(actor)
    now = timezone.now()
    fields = _clean(details, now=now, is_new=True)
    event = Event.objects.create(**fields, created_by=actor, created_at=now, updated_at=now)
    event.hosts.set(details.hosts)
    event.topics.set(details.topics)
    return event


@transaction.atomic
def update_event(*, actor: User, event_id: int, details: EventDetails) -> Event:
    """Change an event. On a published event, a change a calendar shows raises the
    SEQUENCE, and registrants (seats and waitlist) are emailed the new details after commit
    (a moved start: "moved", with the reminders re-armed for the new time). More seats go
    to the waitlist at once.

    Raises NotAllowedError, Event.DoesNotExist, InvalidEventError (naming the field: fewer
    seats than are taken, a changed access after publishing, a cancelled or finished
    event)."""
    ensure_staff(actor)
    event = Event.objects.select_for_update().get(pk=event_id)
    if event.status in (Event.Status.CANCELLED, Event.Status.FINISHED):
        raise InvalidEventError(f"A {event.get_status_display().lower()} event can't change.")
    now = timezone.now()
    fields = _clean(details, now=now, is_new=False)
    if event.status == Event.Status.PUBLISHED and (
        fields["access"] != event.access or fields["minimum_tier"] != event.minimum_tier
    ):
        raise InvalidEventError(
            "Who may see the event can't change once it is published: its registrations and "
            "discussion were opened under it. Cancel it and create a new one instead.",
            field="access",
        )
    capacity = fields["capacity"]
    if isinstance(capacity, int) and capacity < event.held_seat_count:
        raise InvalidEventError(
            f"{event.held_seat_count} seats are taken already; give at least that many.",
            field="capacity",
        )
    changed = {name for name, value in fields.items() if getattr(event, name) != value}
    for name, value in fields.items():
        setattr(event, name, value)
    shows_in_calendar = bool(changed & {*CALENDAR_FIELDS, "description"})
    moved = bool(changed & {"starts_at", "ends_at"})
    if event.status == Event.Status.PUBLISHED and shows_in_calendar:
        event.sequence += 1
    if moved:
        event.schedule_changed_at = now
        # An offer never outlasts the (new) start.
        Registration.objects.filter(
            event=event, status=Registration.Status.OFFERED, offer_expires_at__gt=event.starts_at
        ).update(offer_expires_at=event.starts_at)
    event.updated_at = now
    event.save()
    event.hosts.set(details.hosts)
    event.topics.set(details.topics)
    if event.status == Event.Status.PUBLISHED:
        fill_free_seats(event=event, now=now)
        if changed & set(CALENDAR_FIELDS):
            fan_out(event, Message.MOVED if moved else Message.UPDATED, str(event.sequence))
    return event


def discussion_category(event: Event) -> Category:
    """The forum category an event's discussion thread lives in: one per access level
    ("Events", "Events for members", "Events for <tier> members"), created on first use,
    with the event's own access. So forum search, feeds and the thread itself never show
    a tier-only event's discussion to anyone the event itself is hidden from."""
    tier: Tier | None = None
    access: str = Category.Access.PUBLIC
    slug, name = "events", "Events"
    if event.access == Event.Access.TIER and event.minimum_tier is not None:
        tier = event.minimum_tier
        slug, name = f"events-{tier.slug}"[:60], f"Events for {tier.name} members"[:60]
        access = Category.Access.TIER
    elif event.access == Event.Access.MEMBERS:
        slug, name, access = "events-members", "Events for members", Category.Access.MEMBERS
    # Reference data the forum has no service for yet (categories are made in the admin).
    category, _ = Category.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "access": access,
            "minimum_tier": tier,
            "description": "Discussion of Hearth's AMAs, webinars and masterclasses.",
            "position": 90,
        },
    )
    if category.access != access or category.minimum_tier_id != (tier.pk if tier else None):
        raise InvalidEventError(
            f"The forum category “{category.name}” no longer matches this event's access; "
            "fix the category in the admin before publishing."
        )
    return category


def _discussion_author(event: Event, actor: User, category: Category) -> User:
    for host in event.hosts.all().order_by("pk"):
        if community_policies.can_post(host) and community_policies.can_view_category(
            host, category
        ):
            return host
    return actor


def _discussion_body(event: Event) -> str:
    link = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    intro = (
        f"Discussion of the {event.get_kind_display()} **{event.title}**. "
        f"Times in your own zone, registration and the calendar entry are on the "
        f"[event page]({link})."
    )
    return f"{intro}\n\n{event.description}" if event.description else intro


@transaction.atomic
def publish_event(*, actor: User, event_id: int) -> Event:
    """Publish a draft: it appears to everyone its access lets in, registration opens (or
    waits for its opening time), its discussion thread starts in the forum, and the
    members who backed a proposal for it are told.

    Raises NotAllowedError, Event.DoesNotExist, InvalidEventError (not a draft, or it
    already started), PostingNotAllowedError (the thread's author may not post)."""
    ensure_staff(actor)
    event = Event.objects.select_for_update().get(pk=event_id)
    if event.status != Event.Status.DRAFT:
        raise InvalidEventError("Only a draft can be published.")
    now = timezone.now()
    if event.starts_at <= now:
        raise InvalidEventError("This event has already started; move it first.")
    category = discussion_category(event)
    thread = posting.create_thread(
        author=_discussion_author(event, actor, category),
        category_id=category.pk,
        title=event.title,
        body=_discussion_body(event),
        topics=list(event.topics.all()),
    )
    event.status = Event.Status.PUBLISHED
    event.published_at = event.updated_at = now
    event.thread = thread
    event.save(update_fields=["status", "published_at", "updated_at", "thread"])
    _tell_backers(event)
    return event


def _tell_backers(event: Event) -> None:
    from events.models import Pledge, Proposal

    proposal = Proposal.objects.filter(event=event).first()
    if proposal is None:
        return
    backers = list(Pledge.objects.filter(proposal=proposal).values_list("member_id", flat=True))
    notify(
        recipients=[*backers, proposal.proposer_id],
        kind=notifications.PROPOSAL,
        actor_id=None,
        target_type="event",
        target_id=event.pk,
        key=f"event:{event.pk}:published",
        scope=notifications.event_scope(event.pk),
        excerpt="The masterclass is scheduled: registration is open.",
    )


@transaction.atomic
def cancel_event(*, actor: User, event_id: int) -> Event:
    """Cancel a draft or published event. Everyone registered or waiting is told by email
    (with a calendar entry marked cancelled) and in the app, after commit. Reminders stop.

    Raises NotAllowedError, Event.DoesNotExist, InvalidEventError (finished or already
    cancelled)."""
    ensure_staff(actor)
    event = Event.objects.select_for_update().get(pk=event_id)
    if event.status in (Event.Status.CANCELLED, Event.Status.FINISHED):
        raise InvalidEventError(f"This event is {event.get_status_display().lower()} already.")
    was_published = event.status == Event.Status.PUBLISHED
    now = timezone.now()
    event.status = Event.Status.CANCELLED
    event.cancelled_at = event.updated_at = now
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "updated_at", "sequence"])
    if was_published:
        fan_out(event, Message.CANCELLED, str(event.sequence))
    return event


def fan_out(event: Event, message: Message, stamp: str) -> int:
    """After commit, hand everyone registered or waiting (for a recording: everyone who
    registered and kept a place) to send tasks, FANOUT_CHUNK at a time. Returns how many."""
    from events.tasks import send_event_emails_task

    statuses = Registration.ACTIVE
    member_ids = list(
        Registration.objects.filter(event=event, status__in=statuses)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    for start in range(0, len(member_ids), FANOUT_CHUNK):
        enqueue_on_commit(
            send_event_emails_task,
            event.pk,
            str(message),
            stamp,
            member_ids[start : start + FANOUT_CHUNK],
        )
    return len(member_ids)
