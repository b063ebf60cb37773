"""Calendar entries (iCalendar, RFC 5545) and "add to calendar" links.

One VEVENT per event, whatever the file it is in (the event's own .ics, an email's
attachment, a member's feed): a stable UID, DTSTART/DTEND in the event's own zone with its
VTIMEZONE, SEQUENCE raised on every change so calendars replace the entry, STATUS
CANCELLED for a cancelled event and TENTATIVE for a member still on the waitlist. The join
link is written only when the caller says the reader may see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from events.models import Event
from events.times import zone_named

PRODUCT_ID = "-//Hearth//Events//EN"
DESCRIPTION_LIMIT = 1500


class EntryStatus:
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class CalendarEntry:
    """One event as one reader's calendar shows it."""

    event: Event
    status: str
    join_url: str = ""


def site_url(path: str = "") -> str:
    base: str = settings.SITE_URL
    return base.rstrip("/") + path


def event_uid(event: Event) -> str:
    """The entry's UID: the same for the event in every file, for ever."""
    host = urlsplit(settings.SITE_URL).hostname or "hearth.localhost"
    return f"event-{event.pk}@{host}"


def entry_status(event: Event, *, tentative: bool = False) -> str:
    """CANCELLED for a cancelled event, else TENTATIVE (waitlist) or CONFIRMED."""
    if event.status == Event.Status.CANCELLED:
        return EntryStatus.CANCELLED
    return EntryStatus.TENTATIVE if tentative else EntryStatus.CONFIRMED


def _plain_description(event: Event, join_url: str) -> str:
    text = event.description.strip()
    if len(text) > DESCRIPTION_LIMIT:
        text = text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    lines = [text] if text else []
    if join_url:
        lines.append(f"Join: {join_url}")
    lines.append(f"Event page: {site_url(event.get_absolute_url())}")
    return "\n\n".join(lines)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'hello@hearth.localhost'}")
    organizer.params["cn"] = name or settings.SITE_NAME
    return organizer


def _vevent(entry: CalendarEntry) -> CalendarEvent:
    event = entry.event
    zone = zone_named(event.time_zone)
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    component.add("sequence", event.sequence)
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title)
    component.add("description", _plain_description(event, entry.join_url))
    component.add("url", site_url(event.get_absolute_url()))
    location = event.place or entry.join_url or "Online"
    component.add("location", location)
    component.add("organizer", _organizer())
    component.add("status", entry.status)
    return component


def calendar_bytes(
    entries: Iterable[CalendarEntry], *, name: str = "", method: str = "PUBLISH"
) -> bytes:
    """An iCalendar file with one VEVENT per entry and the VTIMEZONE of every zone used."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    listed = list(entries)
    for entry in listed:
        calendar.add_component(_vevent(entry))
    if listed:
        # VTIMEZONE rules for the years the entries span, not 1970-2038: a short file.
        first = min(entry.event.starts_at for entry in listed).date() - timedelta(days=366)
        last = max(entry.event.ends_at for entry in listed).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def event_calendar(event: Event, *, join_url: str = "", tentative: bool = False) -> bytes:
    """The event's own .ics (one entry)."""
    entry = CalendarEntry(
        event=event, status=entry_status(event, tentative=tentative), join_url=join_url
    )
    return calendar_bytes([entry])


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, *, join_url: str = "") -> str:
    """Google Calendar's "add event" page, filled in."""
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "details": _plain_description(event, join_url)[:1000],
        "location": event.place or join_url or site_url(event.get_absolute_url()),
        "ctz": event.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(event: Event, *, join_url: str = "") -> str:
    """Outlook on the web's "new event" page, filled in."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).isoformat(),
        "enddt": event.ends_at.astimezone(UTC).isoformat(),
        "body": _plain_description(event, join_url)[:1000],
        "location": event.place or join_url or site_url(event.get_absolute_url()),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
