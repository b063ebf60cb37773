"""Event times as people read them: in their own zone, with the right date on each side of
midnight, and the zone named."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta, tzinfo

from django.utils import timezone


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The zone called `name`, or UTC for an unknown name."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def time_range_label(starts_at: datetime, ends_at: datetime, zone: tzinfo) -> str:
    """A range such as "Tue 3 Mar 2026, 18:00-19:30 CET" (an en dash on the page), with
    both dates when the event crosses midnight in `zone`, and both zone names when it
    crosses a daylight-saving change."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    # An event ending exactly at midnight ends on its own day.
    same_day = start.date() == (end - timedelta(microseconds=1)).date()
    if start.tzname() != end.tzname():
        return (
            f"{_day(start)}, {_clock(start)} {start.tzname()} – "
            f"{_day(end)}, {_clock(end)} {end.tzname()}"
        )
    if same_day:
        label = f"{_day(start)}, {_clock(start)}–{_clock(end)}"
    else:
        label = f"{_day(start)}, {_clock(start)} – {_day(end)}, {_clock(end)}"
    return f"{label} {end.tzname() or ''}".strip()


def moment_label(moment: datetime, zone: tzinfo) -> str:
    """ "Tue 3 Mar 2026, 18:00 CET"."""
    local = moment.astimezone(zone)
    return f"{_day(local)}, {_clock(local)} {local.tzname() or ''}".strip()


def until_label(moment: datetime, now: datetime | None = None) -> str:
    """How long until `moment`, roughly: "in 3 days", "in 5 hours", "in 40 minutes"."""
    left = moment - (now or timezone.now())
    minutes = int(left.total_seconds() // 60)
    if minutes < 1:
        return "now"
    if minutes < 90:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 36:
        return f"in {hours} hours"
    days = round(hours / 24)
    return f"in {days} days"
