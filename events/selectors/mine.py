"""A member's own events (registrations, hosting, proposals), their private calendar feed,
and the digest's "coming up" section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events import ical, policies
from events.feed_tokens import feed_token, read_feed_token
from events.models import CalendarFeed, Event, Proposal, Registration
from events.selectors.lists import (
    EventRow,
    event_row,
    viewer_zone,
    with_list_relations,
)
from events.times import time_range_label
from members.hooks import DigestBlock, DigestItem
from members.models import User

#: Past events stay in the feed this long (calendars drop what leaves the feed).
FEED_KEEPS_PAST = timedelta(days=30)
MY_PAST_SHOWN = 20
DIGEST_SIZE = 5


@dataclass(frozen=True)
class MyEventsScreen:
    """The member's events: coming up (seats, offers, waitlist), hosting, past, the
    proposals they made, and their calendar feed's URL (once they asked for one)."""

    upcoming: list[EventRow]
    hosting: list[EventRow]
    past: list[EventRow]
    proposals: list[Proposal]
    feed_url: str


def _registrations(member: User) -> dict[int, str]:
    return dict(
        Registration.objects.filter(member=member, status__in=Registration.ACTIVE).values_list(
            "event_id", "status"
        )
    )


def get_my_events_screen(*, member: User, now: datetime | None = None) -> MyEventsScreen:
    """The member's events page (and the API's "my registrations"). A fixed number of
    queries: registrations, events with hosts and topics, hosted events with theirs,
    proposals, the feed."""
    now = now or timezone.now()
    statuses = _registrations(member)
    visible = policies.visible_events(member)
    mine = list(
        with_list_relations(visible.filter(pk__in=list(statuses))).order_by("starts_at", "id")
    )
    zone = viewer_zone(member)
    rows = [
        event_row(event, zone=zone, my_status=statuses[event.pk], viewer=member, now=now)
        for event in mine
    ]
    upcoming = [
        row for row in rows if row.event.ends_at > now and row.event.status != Event.Status.FINISHED
    ]
    past = [row for row in reversed(rows) if row not in upcoming][:MY_PAST_SHOWN]
    hosted = list(
        with_list_relations(
            visible.filter(hosts=member, ends_at__gt=now).exclude(status=Event.Status.CANCELLED)
        ).order_by("starts_at", "id")
    )
    proposals = list(
        Proposal.objects.filter(proposer=member).select_related("event").order_by("-created_at")
    )
    feed = CalendarFeed.objects.filter(member=member).first()
    return MyEventsScreen(
        upcoming=upcoming,
        hosting=[
            event_row(event, zone=zone, my_status="", viewer=member, now=now) for event in hosted
        ],
        past=past,
        proposals=proposals,
        feed_url=feed_url(feed) if feed else "",
    )


def feed_url(feed: CalendarFeed) -> str:
    """The absolute URL of a member's private calendar feed."""
    base: str = settings.SITE_URL
    return base.rstrip("/") + reverse("events:feed", args=[feed_token(feed)])


def feed_calendar(*, token: str, now: datetime | None = None) -> bytes | None:
    """The private feed behind `token`: the member's events as they may see them now
    (seats confirmed with the join link, waitlisted ones TENTATIVE, cancelled events
    CANCELLED), from 30 days ago on, and the events they host. None for a forged,
    revoked or deactivated member's token."""
    parsed = read_feed_token(token)
    if parsed is None:
        return None
    member_id, nonce = parsed
    feed = (
        CalendarFeed.objects.select_related("member")
        .filter(member_id=member_id, nonce=nonce, member__is_active=True)
        .first()
    )
    if feed is None:
        return None
    member = feed.member
    now = now or timezone.now()
    statuses = _registrations(member)
    events = list(
        policies.visible_events(member)
        .filter(Q(pk__in=list(statuses)) | Q(hosts=member))
        .exclude(status=Event.Status.DRAFT)
        .filter(ends_at__gte=now - FEED_KEEPS_PAST)
        .prefetch_related("hosts")
        .distinct()
        .order_by("starts_at")
    )
    entries = []
    for event in events:
        status = statuses.get(event.pk, "")
        hosting = policies.is_host(member, event)
        has_seat = status in Registration.HAS_SEAT or hosting
        shows_link = has_seat and event.status != Event.Status.CANCELLED
        entries.append(
            ical.CalendarEntry(
                event=event,
                status=ical.entry_status(event, tentative=not has_seat),
                join_url=event.join_url if shows_link else "",
            )
        )
    return ical.calendar_bytes(entries, name=f"{settings.SITE_NAME} events")


def upcoming_for_digest(member: User, since: datetime) -> DigestBlock | None:
    """The digest's "Coming up": events published since `since` that the member may see
    and has not registered for, in their topics first, soonest first."""
    now = timezone.now()
    registered = Registration.objects.filter(member=member).values("event_id")
    events = list(
        policies.visible_events(member)
        .filter(status=Event.Status.PUBLISHED, published_at__gt=since, starts_at__gt=now)
        .exclude(pk__in=registered)
        .order_by("starts_at")[: DIGEST_SIZE * 4]
    )
    if not events:
        return None
    topic_ids = set(member.topics.values_list("id", flat=True))
    in_topics = set(
        Event.topics.through.objects.filter(
            event_id__in=[e.pk for e in events], topic_id__in=topic_ids
        ).values_list("event_id", flat=True)
    )
    events.sort(key=lambda e: (e.pk not in in_topics, e.starts_at))
    site = settings.SITE_URL.rstrip("/")
    zone = member.zone
    items = [
        DigestItem(
            title=event.title,
            url=site + event.get_absolute_url(),
            detail=(
                f"{event.get_kind_display()} · "
                f"{time_range_label(event.starts_at, event.ends_at, zone)}"
            ),
        )
        for event in events[:DIGEST_SIZE]
    ]
    return DigestBlock(heading="Coming up", items=items)


def export_events(member: User) -> dict[str, list[dict[str, object]]]:
    """The member's events data for their data export: registrations, questions asked,
    ratings given, proposals made and pledges. Only theirs."""
    from events.models import Pledge, Question, Rating

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_id": r.event_id,
                "status": r.status,
                "registered_at": iso(r.registered_at),
                "attended_at": iso(r.attended_at),
            }
            for r in Registration.objects.filter(member=member)
            .select_related("event")
            .order_by("pk")
        ],
        "questions": [
            {
                "event_id": q.event_id,
                "body": q.body,
                "is_anonymous": q.is_anonymous,
                "created_at": iso(q.created_at),
            }
            for q in Question.objects.filter(author=member).order_by("pk")
        ],
        "ratings": [
            {"event_id": r.event_id, "score": r.score, "comment": r.comment}
            for r in Rating.objects.filter(member=member).order_by("pk")
        ],
        "proposals": [
            {"title": p.title, "outline": p.outline, "status": p.status}
            for p in Proposal.objects.filter(proposer=member).order_by("pk")
        ],
        "pledges": [
            {"proposal_id": proposal_id}
            for proposal_id in Pledge.objects.filter(member=member)
            .order_by("pk")
            .values_list("proposal_id", flat=True)
        ],
    }
