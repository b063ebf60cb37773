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
- **The code.** Keys carry a digest of the templates and template tags
  (`core.template_loaders.templates_version`), so a deploy never serves what the previous
  code drew.
- **The minute.** Keys also carry the current minute, so relative times ("5 min ago") are
  never more than a minute behind a fresh render, and an entry lives 60 seconds at most.
- **Only what is the same for every visitor.** A response is stored only when it is a 200,
  sets no cookie, did not ask for a CSRF token (its forms would carry someone's token) and
  carried no message; a request with a session cookie, an `Authorization` header or a
  pending message is never answered from the cache.

What a view does besides rendering (counting a thread's views) is declared with `on_hit`,
and runs on a cache hit too. `quiet()` marks writes that a cached page may show a minute late
by design (the batched view counter), so a popular thread does not empty the cache.

**Members' pages** (views also marked `@member_cacheable`) are cached per member and per
session, on the same rule: a page is a function of what the database holds, the session, the
request and the minute, so while none of those changed the stored page is the page a render
would give. Their keys carry, besides the visitors' generation:

- **the members' generation**, replaced on commit of a write to a table only members see (the
  notifications, the bell's source), or to a member's own state outside their requests;
- **the member's own token**, replaced on commit of a write to their own state in their own
  request (their read markers: opening a thread moves them, and retires only their pages);
- **the session**: its key and a digest of its contents (a flag the session keeps shows at
  once), and the CSRF cookie, so the forms in a stored page carry a token the member's cookie
  still validates.

A member's page is stored only when the render changed neither the session nor the CSRF
cookie and showed no message; a request with a pending message or an `Authorization` header
is never answered from the cache. Writes that change nothing (an UPDATE of no rows) retire
nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar, overload

from django.conf import settings
from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from core.template_loaders import templates_version

GENERATION_KEY = "page-cache:generation"
MEMBER_GENERATION_KEY = "page-cache:member-generation"
ENTRY_SECONDS = 60
#: Tables no cached page shows to anyone: writing them keeps every cache (the session's
#: contents are part of a member's key instead).
INVISIBLE_TABLES = frozenset(
    {
        "django_session",
        "core_delivery",
        "core_delivery_attachments",
        "authtoken_token",
        "django_admin_log",
        "members_membersighting",
    }
)
#: A member's own state, shown only to them: written in their own request, it retires only
#: their pages; written elsewhere (a worker, a command), every member's.
OWN_TABLES = frozenset({"community_readstate"})
#: Tables whose rows only members' pages show: writing them keeps the visitors' cache.
MEMBER_TABLES = OWN_TABLES | {"members_notification"}
#: Tables whose rows no visitor-cacheable page shows: writing them keeps the visitors' cache.
QUIET_TABLES = INVISIBLE_TABLES | MEMBER_TABLES
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
#: Headers a stored page keeps (the outer middleware adds the security headers again).
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Allow")

V = TypeVar("V", bound=Callable[..., Any])
_state = threading.local()


def enabled() -> bool:
    """The PAGE_CACHE setting (on unless turned off; the test suite turns it off)."""
    return bool(getattr(settings, "PAGE_CACHE", True))


def _member_token_key(member_id: int) -> str:
    return f"page-cache:member-token:{member_id}"


def _tokens(*keys: str) -> list[str]:
    """The current tokens under `keys` (one cache round trip when all exist). A missing one
    (never set, or evicted) becomes a fresh random token, so an eviction can never bring
    back a token an earlier page was keyed by."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)
            found[key] = cache.get(key, "")
    return [str(found[key]) for key in keys]


def generation() -> str:
    """The current generation: a fresh random token after every visible write."""
    return _tokens(GENERATION_KEY)[0]


def bump(key: str = GENERATION_KEY) -> None:
    """Retire every stored page keyed by the token under `key` (by default the visitors'
    generation, which members' keys carry too).

    A new random token rather than an increment: two writers bumping at once (the file cache
    of the embedded default has no atomic increment) still leave a token no earlier render
    was keyed by, so no page rendered before a commit outlives it.
    """
    cache.set(key, secrets.token_hex(8), timeout=None)


@contextmanager
def quiet() -> Iterator[None]:
    """Writes inside this block keep the cache (for counters shown approximately anyway)."""
    previous = getattr(_state, "quiet", False)
    _state.quiet = True
    try:
        yield
    finally:
        _state.quiet = previous


def _written_key(table: str) -> str | None:
    """The token a committed write to `table` replaces (None: it retires nothing)."""
    if table in INVISIBLE_TABLES:
        return None
    if table not in MEMBER_TABLES:
        return GENERATION_KEY
    member_id = getattr(_state, "member_id", None)
    if table in OWN_TABLES and member_id is not None:
        return _member_token_key(member_id)
    return MEMBER_GENERATION_KEY


def _changed_rows(sql: str, context: dict[str, Any]) -> bool:
    """Whether the write just run may have changed a row. Only an UPDATE or DELETE without
    RETURNING is trusted to say it changed none (SQLite counts an INSERT ... RETURNING's
    rows only once they are fetched; -1: the driver cannot say)."""
    if sql.lstrip()[:6].upper() == "INSERT" or " RETURNING " in sql.upper():
        return True
    return getattr(context.get("cursor"), "rowcount", -1) != 0


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: a write that changed rows of a table some cached page
    shows replaces that page's token when the write commits."""
    result = execute(sql, params, many, context)
    if getattr(_state, "quiet", False):
        return result
    match = _WRITE.match(sql)
    if match is None:
        return result
    key = _written_key(match.group(1).lower())
    if key is None or not _changed_rows(sql, context):
        return result
    connection: BaseDatabaseWrapper = context["connection"]
    if not connection.in_atomic_block:
        bump(key)
        return result
    pending = {getattr(entry[1], "page_cache_key", None) for entry in connection.run_on_commit}
    if key not in pending:
        callback = partial(bump, key)
        callback.page_cache_key = key  # type: ignore[attr-defined]  # read back above
        connection.on_commit(callback)
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


def member_cacheable(view: V) -> V:
    """Mark a view whose page each signed-in member may be served from the cache, their
    own (see the module's docstring): a page whose every input is in the database, the
    session, the request or the clock's minute; not for one whose render changes what it
    shows."""
    view.member_cacheable = True  # type: ignore[attr-defined]  # a marker attribute
    return view


def throttled_on_hit(cls: type) -> OnHit:
    """For a DRF view class: a cached answer counts against the view's throttles too."""

    def check(request: HttpRequest, **_: Any) -> bool:
        throttles = getattr(cls, "throttle_classes", ())
        return all(throttle().allow_request(request, None) for throttle in throttles)

    return check


def _marked(view: Callable[..., Any]) -> Any:
    """The marked callable: a function view, or a DRF view class's `as_view()` function."""
    for candidate in (view, getattr(view, "cls", None)):
        if getattr(candidate, "visitor_cacheable", False) or getattr(
            candidate, "member_cacheable", False
        ):
            return candidate
    return None


def _plain_get(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _is_visitor(request: HttpRequest) -> bool:
    return _plain_get(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _member_parts(request: HttpRequest) -> list[str] | None:
    """What a signed-in member's key carries besides the page (None: not served or stored
    from the cache: a visitor, a pending message, no CSRF cookie yet)."""
    if not _plain_get(request) or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    user = getattr(request, "user", None)
    if not csrf_cookie or user is None or not user.is_authenticated:
        return None
    session = request.session
    if "_messages" in session:
        return None
    contents = repr(sorted(session.items()))
    _state.member_id = user.pk
    # The visitors' generation first (the key's first part), all three in one round trip.
    return [
        *_tokens(GENERATION_KEY, MEMBER_GENERATION_KEY, _member_token_key(user.pk)),
        str(user.pk),
        session.session_key or "",
        hashlib.sha256(contents.encode()).hexdigest(),
        csrf_cookie,
    ]


def _minute() -> int:
    """The current minute: part of every key, so relative times are at most a minute old."""
    return int(timezone.now().timestamp() // 60)


def _key(request: HttpRequest, member: list[str] | None = None) -> str:
    """The page's key: a member's parts (which begin with the generation), else the
    visitors' generation, then the minute and the request."""
    raw = "\n".join(
        (
            *(member or (generation(),)),
            templates_version(),
            str(_minute()),
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
        )
    )
    prefix = "page-cache:member:" if member else "page-cache:"
    return prefix + hashlib.sha256(raw.encode()).hexdigest()


def _messages_untouched(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is None or not (storage.used or storage.added_new)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and _messages_untouched(request)
    )


def _member_storable(request: HttpRequest) -> bool:
    """A member's render may be stored when it left the session as it found it and kept
    the CSRF secret of the cookie (the outer middleware would otherwise set cookies)."""
    session = request.session
    return not session.modified and request.META.get("CSRF_COOKIE") == request.COOKIES.get(
        settings.CSRF_COOKIE_NAME
    )


class VisitorPageCacheMiddleware:
    """Serves and stores `@visitor_cacheable` pages for visitors, and `@member_cacheable`
    ones for each signed-in member. Last in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
            key = getattr(request, "_page_cache_key", None)
            if key is not None and isinstance(response, HttpResponse):
                self._store(request, key, response)
            return response
        finally:
            _state.member_id = None

    @staticmethod
    def _store(request: HttpRequest, key: str, response: HttpResponse) -> None:
        if not _storable(request, response):
            return
        if key.startswith("page-cache:member:"):
            if not _member_storable(request):
                return
        elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return  # a visitor's page with a form: its token would be someone else's
        headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
        cache.set(key, (response.content, headers), ENTRY_SECONDS)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        marked = _marked(view)
        if marked is None or not enabled():
            return None
        if _is_visitor(request):
            if not getattr(marked, "visitor_cacheable", False):
                return None
            key = _key(request)
        elif getattr(marked, "member_cacheable", False):
            member = _member_parts(request)
            if member is None:
                return None
            key = _key(request, member)
        else:
            return None
        stored = cache.get(key)
        if stored is None:
            request._page_cache_key = key  # type: ignore[attr-defined]  # read in __call__
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
