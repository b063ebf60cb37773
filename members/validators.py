"""Validation of member identity fields."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator
from django.utils.deconstruct import deconstructible

HANDLE_MIN_LENGTH = 2
HANDLE_MAX_LENGTH = 30

#: Letters, digits and underscores: what an @mention can end on unambiguously.
handle_characters = RegexValidator(
    regex=r"^[A-Za-z0-9_]+\Z",
    message="A handle may contain only letters, digits and underscores.",
    code="invalid_handle",
)

handle_validators: list[Callable[[Any], None]] = [
    handle_characters,
    MinLengthValidator(HANDLE_MIN_LENGTH, "A handle needs at least %(limit_value)d characters."),
    MaxLengthValidator(HANDLE_MAX_LENGTH, "A handle has at most %(limit_value)d characters."),
]


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError("Choose a time zone from the list, such as Europe/Berlin.")


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@deconstructible
class HostValidator:
    """An http(s) link, optionally on one of the given hosts (or their subdomains)."""

    def __init__(self, label: str, hosts: tuple[str, ...] = ()) -> None:
        self.label = label
        self.hosts = hosts

    def __call__(self, value: str) -> None:
        parsed = urlsplit(value)
        host = (parsed.hostname or "").lower()
        if parsed.scheme not in ("http", "https"):
            raise ValidationError("Use a link that starts with https://.")
        if self.hosts and not any(host == h or host.endswith("." + h) for h in self.hosts):
            raise ValidationError(f"Use a {self.label} link ({self.hosts[0]}/…).")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HostValidator) and (self.label, self.hosts) == (
            other.label,
            other.hosts,
        )

    def __hash__(self) -> int:
        return hash((self.label, self.hosts))


web_url = HostValidator("web")
github_url = HostValidator("GitHub", ("github.com",))
youtube_url = HostValidator("YouTube", ("youtube.com", "youtu.be"))
linkedin_url = HostValidator("LinkedIn", ("linkedin.com",))

DAYS_IN_MONTH = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}


def validate_birthday(month: int | None, day: int | None) -> None:
    """Month and day together or not at all; the day must exist in that month (Feb 29 does)."""
    if month is None and day is None:
        return
    if month is None or day is None:
        raise ValidationError("Give both a month and a day, or neither.")
    if month not in DAYS_IN_MONTH or not 1 <= day <= DAYS_IN_MONTH[month]:
        raise ValidationError("That day does not exist in that month.")
