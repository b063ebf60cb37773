"""Visitors' pages from the cache (core/page_cache.py): served without a query, never stale."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from community.models import Thread
from community.services import engagement, posting
from core import page_cache
from tests.community.factories import ThreadFactory

# Transactional: a write retires the cache when it commits, which a test transaction never does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings, monkeypatch) -> None:
    settings.PAGE_CACHE = True
    # One minute for the whole test: a test that crosses a minute's end would see its keys
    # change (what test_the_minute_changes_the_key checks on purpose).
    minute = page_cache._minute()
    monkeypatch.setattr(page_cache, "_minute", lambda: minute)


@pytest.fixture
def thread() -> Thread:
    return ThreadFactory(title="Caching pages for visitors")


def _url(thread: Thread) -> str:
    return thread.get_absolute_url()


def _get(client: Client, path: str) -> str:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_is_served_from_the_cache_without_a_query(
    client: Client, thread: Thread, django_assert_num_queries
) -> None:
    first = client.get("/forum/")
    with django_assert_num_queries(0):
        second = client.get("/forum/")
    assert second.status_code == 200
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


def test_a_reply_shows_at_once_on_the_cached_thread_page(
    client: Client, thread: Thread, member
) -> None:
    url = _url(thread)
    assert "A brand new reply" not in _get(client, url)
    posting.reply(author=member, thread_id=thread.pk, body="A brand new reply")
    assert "A brand new reply" in _get(client, url)


def test_a_queryset_update_retires_the_cached_list(client: Client, thread: Thread) -> None:
    assert "Caching pages for visitors" in _get(client, "/forum/")
    Thread.objects.filter(pk=thread.pk).update(title="Renamed by a bulk update")
    page = _get(client, "/forum/")
    assert "Renamed by a bulk update" in page
    assert "Caching pages for visitors" not in page


def test_raw_sql_retires_the_cached_list(client: Client, thread: Thread) -> None:
    _get(client, "/forum/")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE community_thread SET title = %s WHERE id = %s", ["Renamed in SQL", thread.pk]
        )
    assert "Renamed in SQL" in _get(client, "/forum/")


def test_a_renamed_author_shows_on_the_cached_thread_page(client: Client, thread: Thread) -> None:
    url = _url(thread)
    _get(client, url)
    author = thread.author
    assert author is not None
    author.display_name = "Newly Named Person"
    author.save(update_fields=["display_name"])
    assert "Newly Named Person" in _get(client, url)


def test_a_rolled_back_write_keeps_the_cache(thread: Thread) -> None:
    before = page_cache.generation()

    def write_then_fail() -> None:
        with transaction.atomic():
            Thread.objects.filter(pk=thread.pk).update(title="Never committed")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert page_cache.generation() == before
    assert Thread.objects.get(pk=thread.pk).title == "Caching pages for visitors"


def test_a_committed_write_in_a_transaction_retires_once_on_commit(thread: Thread) -> None:
    before = page_cache.generation()
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(title="One")
        Thread.objects.filter(pk=thread.pk).update(title="Two")
        assert page_cache.generation() == before  # not before the commit
        callbacks = [
            c
            for c in connection.run_on_commit
            if getattr(c[1], "page_cache_key", None) == page_cache.GENERATION_KEY
        ]
        assert len(callbacks) == 1
    assert page_cache.generation() != before


def test_writes_to_quiet_tables_keep_the_cache(thread: Thread, member) -> None:
    before = page_cache.generation()
    engagement.mark_read(member=member, thread_id=thread.pk, number=1)
    assert page_cache.generation() == before


def test_a_member_never_gets_the_visitors_page(client: Client, thread: Thread, member) -> None:
    visitor_page = _get(client, "/forum/")
    assert "Sign in" in visitor_page
    client.force_login(member)
    member_page = _get(client, "/forum/")
    assert "Sign out" in member_page
    assert "Sign in</a>" not in member_page


def test_a_cached_thread_page_still_counts_the_view(client: Client, thread: Thread) -> None:
    url = _url(thread)
    for _ in range(3):
        _get(client, url)
    assert cache.get(f"thread-views:{thread.pk}") == 3


def test_the_view_counter_flush_keeps_the_cache(thread: Thread) -> None:
    before = page_cache.generation()
    for _ in range(engagement.VIEW_FLUSH_EVERY):
        engagement.record_view(thread_id=thread.pk)
    thread.refresh_from_db()
    assert thread.view_count == engagement.VIEW_FLUSH_EVERY
    assert page_cache.generation() == before


def test_a_pending_message_bypasses_the_cache(
    client: Client, thread: Thread, django_assert_num_queries
) -> None:
    _get(client, "/forum/")
    client.cookies["messages"] = "anything"
    with django_assert_num_queries(4):  # the view ran: it read the threads again
        client.get("/forum/")


def test_the_minute_changes_the_key(
    client: Client, thread: Thread, monkeypatch, django_assert_num_queries
) -> None:
    _get(client, "/forum/")
    later = int((timezone.now() + timedelta(minutes=1)).timestamp() // 60)
    monkeypatch.setattr(page_cache, "_minute", lambda: later)
    with django_assert_num_queries(4):
        client.get("/forum/")


def test_an_api_list_is_cached_and_its_hits_count_against_the_throttle(
    client: Client, thread: Thread, django_assert_num_queries
) -> None:
    first = client.get("/api/v1/threads/")
    with django_assert_num_queries(0):
        second = client.get("/api/v1/threads/")
    assert second.content == first.content
    assert len(cache.get("throttle_anon_127.0.0.1")) == 2


def test_an_api_client_with_credentials_is_never_served_from_the_cache(
    client: Client, thread: Thread, django_assert_num_queries
) -> None:
    client.get("/api/v1/threads/")
    response = client.get("/api/v1/threads/", headers={"Authorization": "Token nonsense"})
    assert response.status_code == 401


def _run(middleware: page_cache.VisitorPageCacheMiddleware, view, request: HttpRequest):
    hit = middleware.process_view(request, view, (), {})
    return hit if hit is not None else middleware(request)


@pytest.mark.parametrize(
    ("uses_csrf", "stored"), [(False, True), (True, False)], ids=["plain", "csrf-token"]
)
def test_a_page_that_asked_for_a_csrf_token_is_not_stored(uses_csrf: bool, stored: bool) -> None:
    calls: list[int] = []

    @page_cache.visitor_cacheable
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return HttpResponse(get_token(request) if uses_csrf else "same for all")

    middleware = page_cache.VisitorPageCacheMiddleware(view)
    factory = RequestFactory()
    _run(middleware, view, factory.get("/page/"))
    _run(middleware, view, factory.get("/page/"))
    assert len(calls) == (1 if stored else 2)


def test_an_error_page_is_not_stored() -> None:
    calls: list[int] = []

    @page_cache.visitor_cacheable
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return HttpResponse("gone", status=404)

    middleware = page_cache.VisitorPageCacheMiddleware(view)
    _run(middleware, view, RequestFactory().get("/page/"))
    _run(middleware, view, RequestFactory().get("/page/"))
    assert len(calls) == 2


def test_the_setting_turns_it_off(settings, client: Client, thread: Thread) -> None:
    settings.PAGE_CACHE = False
    _get(client, "/forum/")
    Thread.objects.filter(pk=thread.pk).update(title="Changed quietly")
    with page_cache.quiet():
        Thread.objects.filter(pk=thread.pk).update(title="Changed under quiet")
    assert "Changed under quiet" in _get(client, "/forum/")


VISITOR_PAGES = {
    "home": lambda t, e: "/",
    "latest": lambda t, e: "/forum/",
    "categories": lambda t, e: "/forum/categories/",
    "category": lambda t, e: t.category.get_absolute_url(),
    "thread": lambda t, e: t.get_absolute_url(),
    "search": lambda t, e: "/forum/search/?q=caching",
    "directory": lambda t, e: "/members/",
    "profile": lambda t, e: f"/u/{t.author.handle}/",
    "events": lambda t, e: "/events/",
    "past events": lambda t, e: "/events/past/",
    "event": lambda t, e: e.get_absolute_url(),
    "badges": lambda t, e: "/badges/",
    "tiers": lambda t, e: "/loyalty/tiers/",
    "API threads": lambda t, e: "/api/v1/threads/",
    "API thread": lambda t, e: f"/api/v1/threads/{t.pk}/",
    "API posts": lambda t, e: f"/api/v1/threads/{t.pk}/posts/",
    "API categories": lambda t, e: "/api/v1/categories/",
    "API members": lambda t, e: "/api/v1/members/",
    "API member": lambda t, e: f"/api/v1/members/{t.author.handle}/",
}


@pytest.mark.parametrize("page", VISITOR_PAGES)
def test_every_visitor_page_is_served_from_the_cache_the_second_time(
    page: str, client: Client, thread: Thread, django_assert_num_queries
) -> None:
    from tests.events.factories import EventFactory

    path = VISITOR_PAGES[page](thread, EventFactory())
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content


def test_the_scheme_and_host_are_part_of_the_key(
    client: Client, thread: Thread, settings, django_assert_num_queries
) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.get("/api/v1/threads/")
    with django_assert_num_queries(3):  # rendered again: its links name the host
        other = client.get("/api/v1/threads/", headers={"Host": "other.example"})
    assert other.status_code == 200
    with django_assert_num_queries(3):
        secure = client.get("/api/v1/threads/", secure=True)
    assert secure.status_code == 200


# Members' pages: each member their own, retired by what changes what they see.


def _member_client(user) -> Client:
    """A signed-in member's browser after one page: it holds the CSRF cookie, which a page
    must find before it is stored."""
    browser = Client()
    browser.force_login(user)
    assert browser.get("/forum/").status_code == 200
    assert "csrftoken" in browser.cookies
    return browser


def test_a_members_second_visit_is_served_from_their_cache(
    thread: Thread, member, django_assert_num_queries
) -> None:
    browser = _member_client(member)
    first = browser.get("/forum/")
    with django_assert_num_queries(1):  # the user behind the session; the page is stored
        second = browser.get("/forum/")
    assert second.content == first.content
    assert "Sign out" in second.content.decode()
    assert "Cookie" in second["Vary"]


def test_members_never_get_each_others_pages(thread: Thread, member) -> None:
    from tests.members.factories import UserFactory

    other = UserFactory(handle="otherone", display_name="Someone Else Entirely")
    mine = _member_client(member)
    theirs = _member_client(other)
    mine.get("/forum/")
    mine.get("/forum/")
    page = theirs.get("/forum/").content.decode()
    assert "Someone Else Entirely" in page
    assert member.name not in page


def test_reading_a_thread_retires_only_the_readers_pages(thread: Thread, member) -> None:
    from tests.members.factories import UserFactory

    other = UserFactory(handle="otherone")
    reader, bystander = _member_client(member), _member_client(other)
    for browser in (reader, bystander):
        browser.get("/forum/")  # stored
    mine_before = page_cache._tokens(page_cache._member_token_key(member.pk))[0]
    theirs_before = page_cache._tokens(page_cache._member_token_key(other.pk))[0]
    members_before = page_cache._tokens(page_cache.MEMBER_GENERATION_KEY)[0]
    visitors_before = page_cache.generation()
    assert reader.get(_url(thread)).status_code == 200  # moves the reader's marker
    assert page_cache._tokens(page_cache._member_token_key(member.pk))[0] != mine_before
    assert page_cache._tokens(page_cache._member_token_key(other.pk))[0] == theirs_before
    assert page_cache._tokens(page_cache.MEMBER_GENERATION_KEY)[0] == members_before
    assert page_cache.generation() == visitors_before


def test_a_new_notification_shows_in_the_bell_at_once(thread: Thread, member) -> None:
    from members.notifications import services as notifications
    from tests.members.factories import UserFactory

    browser = _member_client(member)
    browser.get("/forum/")
    assert "data-bell-count hidden" in browser.get("/forum/").content.decode()
    notifications.notify(
        recipients=[member.pk],
        kind="reply",
        actor_id=UserFactory().pk,
        target_type="post",
        target_id=thread.posts.get(number=1).pk,
        key="post:1",
        scope=f"thread:{thread.pk}",
        excerpt="A reply.",
    )
    page = browser.get("/forum/").content.decode()
    assert "data-bell-count hidden" not in page
    assert "<span data-bell-number>1</span>" in page


def test_a_write_that_changes_no_row_retires_nothing(thread: Thread) -> None:
    before = page_cache.generation()
    assert Thread.objects.filter(pk=thread.pk, title="Not this title").update(title="X") == 0
    assert page_cache.generation() == before


def test_what_the_session_holds_is_part_of_a_members_key(
    thread: Thread, member, django_assert_num_queries
) -> None:
    browser = _member_client(member)
    browser.get("/forum/")
    session = browser.session
    session["something-a-page-may-show"] = "on"
    session.save()
    with django_assert_num_queries(6):  # rendered again: the list's queries
        browser.get("/forum/")


def test_a_message_in_the_session_is_shown_and_the_page_not_stored(
    thread: Thread, member, django_assert_num_queries
) -> None:
    browser = _member_client(member)
    browser.get("/forum/")
    # Watching leaves its confirmation for the next page (kept in the session).
    response = browser.post(f"/t/{thread.pk}/watch/", {"level": "watching"})
    assert response.status_code == 302
    assert "watching this thread" in browser.get("/forum/").content.decode()
    assert "watching this thread" not in browser.get("/forum/").content.decode()


def test_a_stored_members_page_carries_a_csrf_token_their_cookie_accepts(
    thread: Thread, member, django_assert_num_queries
) -> None:
    browser = _member_client(member)
    browser.handler.enforce_csrf_checks = True
    browser.get(_url(thread))  # moves the read marker: retires what it stored
    browser.get(_url(thread))
    with django_assert_num_queries(1):
        page = browser.get(_url(thread)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = browser.post(
        f"/t/{thread.pk}/reply/",
        {"body": "Sent from a cached page", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert thread.posts.filter(source="Sent from a cached page").count() == 1


MEMBER_PAGES = {
    "home": lambda t, e: "/",
    "latest": lambda t, e: "/forum/",
    "categories": lambda t, e: "/forum/categories/",
    "category": lambda t, e: t.category.get_absolute_url(),
    "thread": lambda t, e: t.get_absolute_url(),
    "for you": lambda t, e: "/forum/for-you/",
    "search": lambda t, e: "/forum/search/?q=caching",
    "directory": lambda t, e: "/members/",
    "profile": lambda t, e: f"/u/{t.author.handle}/",
    "events": lambda t, e: "/events/",
    "past events": lambda t, e: "/events/past/",
    "event": lambda t, e: e.get_absolute_url(),
    "notifications": lambda t, e: "/notifications/",
    "leaderboard": lambda t, e: "/leaderboards/",
    "points": lambda t, e: "/loyalty/points/",
    "badges": lambda t, e: "/badges/",
    "tiers": lambda t, e: "/loyalty/tiers/",
}


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_every_member_page_is_served_from_their_cache_the_third_time(
    page: str, thread: Thread, member, django_assert_num_queries
) -> None:
    from tests.events.factories import EventFactory

    path = MEMBER_PAGES[page](thread, EventFactory())
    browser = _member_client(member)
    first = browser.get(path)
    assert first.status_code == 200
    second = browser.get(path)  # the first read may move a marker (retiring the first)
    with django_assert_num_queries(1):
        third = browser.get(path)
    assert third.content == second.content
