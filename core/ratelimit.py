"""Rate limits on writes (posting, reacting, flagging, registering, voting), kept in the cache:
Redis in production, so every web node counts together. One fixed window per (action, who):
each member and each address has its own count.

Sign-up and sign-in are limited by allauth (ACCOUNT_RATE_LIMITS, per address and per email);
the API's blanket DRF throttles stay as they are. This is the one service the rest use.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request

from core.exceptions import DomainError


class RateLimitedError(DomainError):
    """Too many of one kind of write; `retry_after` says when the next one is welcome."""

    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """ "10/60" is ten per sixty seconds."""
    count, seconds = text.split("/")
    return Rate(int(count), int(seconds))


def _rate(action: str) -> Rate:
    return parse_rate(settings.RATE_LIMITS[action])


def check_rate(*, action: str, member_id: int | None, address: str | None) -> None:
    """Count one `action` for the member and for the address; over the limit (either one)
    raises RateLimitedError with the seconds until the window ends. A refused attempt does
    not count. Unknown actions are a programming error (KeyError)."""
    rate = _rate(action)
    now = time.time()
    window = int(now // rate.seconds)
    retry_after = max(math.ceil((window + 1) * rate.seconds - now), 1)
    keys = [
        f"ratelimit:{action}:{kind}:{who}:{window}"
        for kind, who in (("member", member_id), ("address", address))
        if who
    ]
    counts = cache.get_many(keys)
    if any(int(counts.get(key, 0)) >= rate.count for key in keys):
        raise RateLimitedError(
            f"You're doing that too often. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    for key in keys:
        if cache.add(key, 1, timeout=rate.seconds + 1):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr(): start again
            cache.add(key, 1, timeout=rate.seconds + 1)


def check_request_rate(request: HttpRequest | Request, action: str) -> None:
    """check_rate for the signed-in member of `request` and its address (REMOTE_ADDR: the
    proxy in front sets it to the client's, as allauth's limits assume too)."""
    user = getattr(request, "user", None)
    member_id = user.pk if user is not None and user.is_authenticated else None
    check_rate(action=action, member_id=member_id, address=request.META.get("REMOTE_ADDR"))
