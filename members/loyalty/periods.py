"""Loyalty's clock and calendar: the community's day, week and month, and rolling windows.

Caps count the community's day (settings.TIME_ZONE), not the member's: one day for all,
so a member cannot earn two "days" of points by moving their time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

#: The window of a tier's points threshold.
TIER_WINDOW = timedelta(days=365)


def now() -> datetime:
    """The current time (one function, so every loyalty rule reads the same clock)."""
    return timezone.now()


def day_start(at: datetime) -> datetime:
    """Midnight of `at`'s day in the community's time zone, as an aware datetime."""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def week_start(at: datetime) -> datetime:
    """Monday midnight of `at`'s week in the community's time zone."""
    start = day_start(at)
    return start - timedelta(days=start.weekday())


def month_start(at: datetime) -> datetime:
    """Midnight of the first day of `at`'s month in the community's time zone."""
    return day_start(at).replace(day=1)


def tier_window_start(at: datetime) -> datetime:
    """The start of the rolling 12 months that tier thresholds count."""
    return at - TIER_WINDOW
