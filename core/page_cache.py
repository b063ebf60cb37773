"""Whole pages for visitors, served from the cache, never stale.

A visitor (no session cookie, no API credentials) sees the same page as every other visitor,
so a page a view marks `@visitor_cacheable` is rendered once and then served from the cache
(Discourse's "anonymous cache" does the same). What keeps it fresh:

- **The generation.** Every write the application makes to a table whose rows a page may show
  (an INSERT, UPDATE or DELETE through any Django connection: web, worker, management
  command, including `QuerySet.update()` and raw SQL) replaces one token in the shared cache
  when its transaction commits. The token is part of every key, so the first request after
  a write renders afresh. Writes to tables no visitor page shows (sessions, read markers,
  notifications, the email ledger) are listed in `QUIET_TABLES` and bump nothing.
- **The minute.** Keys also carry the current minute, so relative times ("5 min ago") are
  never more than a minute behind a fresh render, and an entry lives 60 seconds at most.
- **Only what is the same for every visitor.** A response is stored only when it is a 200,
  sets no cookie, did not ask for a CSRF token (its forms would carry someone's token) and
  carried no message; a request with a session cookie, an `Authorization` header or a
  pending message is never answered from the cache.

What a view does besides rendering (counting a thread's views) is declared with `on_hit`,
and runs on a cache hit too. `quiet()` marks writes that a cached page may show a minute late
by design (the batched view counter), so a popular thread does not empty the cache.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, overload

from django.conf import settings
from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "page-cache:generation"
ENTRY_SECONDS = 60
#: Tables whose rows no visitor-cacheable page shows: writing them keeps the cache.
QUIET_TABLES = frozenset(
    {
        "django_session",
        "community_readstate",
        "members_notification",
        "core_delivery",
        "core_delivery_attachments",
        "authtoken_token",
        "django_admin_log",
        "members_membersighting",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
#: Headers a stored page keeps (the outer middleware adds the security headers again).
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Allow")

V = TypeVar("V", bound=Callable[..., Any])
_state = threading.local()


def enabled() -> bool:
    """The PAGE_CACHE setting (on unless turned off; the test suite turns it off)."""
    return bool(getattr(settings, "PAGE_CACHE", True))


def generation() -> str:
    """The current generation: a fresh random token after every visible write."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY, "")
    return str(value)


def bump() -> None:
    """Retire every stored page (they are keyed by the token this replaces).

    A new random token rather than an increment: two writers bumping at once (the file cache
    of the embedded default has no atomic increment) still leave a token no earlier render
    was keyed by, so no page rendered before a commit outlives it.
    """
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


@contextmanager
def quiet() -> Iterator[None]:
    """Writes inside this block keep the cache (for counters shown approximately anyway)."""
    previous = getattr(_state, "quiet", False)
    _state.quiet = True
    try:
        yield
    finally:
        _state.quiet = previous


def _bump_on_commit() -> None:
    bump()


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: a write to a visible table bumps the generation on commit."""
    result = execute(sql, params, many, context)
    if getattr(_state, "quiet", False):
        return result
    match = _WRITE.match(sql)
    if match is None or match.group(1).lower() in QUIET_TABLES:
        return result
    connection: BaseDatabaseWrapper = context["connection"]
    if not connection.in_atomic_block:
        bump()
    elif not any(entry[1] is _bump_on_commit for entry in connection.run_on_commit):
        connection.on_commit(_bump_on_commit)
    return result


def install(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """`connection_created` receiver: watch this connection's writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


OnHit = Callable[..., bool]


@overload
def visitor_cacheable(view: V) -> V: ...


@overload
def visitor_cacheable(*, on_hit: OnHit | None = None) -> Callable[[V], V]: ...


def visitor_cacheable(view: V | None = None, *, on_hit: OnHit | None = None) -> Any:
    """Mark a view whose page is the same for every visitor (see the module's docstring).

    `on_hit(request, **view_kwargs)` runs before a page is served from the cache, for what
    the view does besides rendering (counting a view, an API throttle); when it returns False
    the view runs instead (and answers as it would, e.g. 429).
    """

    def mark(fn: V) -> V:
        fn.visitor_cacheable = True  # type: ignore[attr-defined]  # a marker attribute
        fn.visitor_cache_on_hit = on_hit  # type: ignore[attr-defined]  # a marker attribute
        return fn

    return mark(view) if view is not None else mark


def throttled_on_hit(cls: type) -> OnHit:
    """For a DRF view class: a cached answer counts against the view's throttles too."""

    def check(request: HttpRequest, **_: Any) -> bool:
        throttles = getattr(cls, "throttle_classes", ())
        return all(throttle().allow_request(request, None) for throttle in throttles)

    return check


def _marked(view: Callable[..., Any]) -> Callable[..., Any] | None:
    """The marked callable: a function view, or a DRF view class's `as_view()` function."""
    if getattr(view, "visitor_cacheable", False):
        return view
    cls = getattr(view, "cls", None)
    if cls is not None and getattr(cls, "visitor_cacheable", False):
        return cls  # type: ignore[no-any-return]  # the class carries the marker
    return None


def _is_visitor(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(request: HttpRequest) -> str:
    minute = int(timezone.now().timestamp() // 60)
    raw = "\n".join(
        (
            generation(),
            str(minute),
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
        )
    )
    return "page-cache:" + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class VisitorPageCacheMiddleware:
    """Serves and stores `@visitor_cacheable` pages for visitors. Last in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        key = getattr(request, "_visitor_cache_key", None)
        if key is not None and isinstance(response, HttpResponse) and _storable(request, response):
            headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
            cache.set(key, (response.content, headers), ENTRY_SECONDS)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        marked = _marked(view)
        if marked is None or not enabled() or not _is_visitor(request):
            return None
        key = _key(request)
        stored = cache.get(key)
        if stored is None:
            request._visitor_cache_key = key  # type: ignore[attr-defined]  # read in __call__
            return None
        content, headers = stored
        on_hit = getattr(marked, "visitor_cache_on_hit", None)
        if on_hit is None and isinstance(marked, type):
            on_hit = throttled_on_hit(marked)
        if on_hit is not None and not on_hit(request, **kwargs):
            return None
        response = HttpResponse(content, headers=headers)
        # What a fresh render says through the session middleware: the page varies by cookie.
        patch_vary_headers(response, ("Cookie",))
        return response
