"""Search (PostgreSQL ranking + SQLite fallback), unread/new filters and "for you"."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from community import search, selectors
from community.models import Post, Thread
from community.pagination import decode_cursor
from community.services import engagement, posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(staff):
    help_desk = CategoryFactory(slug="help", name="Help")
    showcase = CategoryFactory(slug="showcase", name="Showcase")
    asker = UserFactory(handle="asker")
    solved = posting.create_thread(
        author=asker,
        category_id=help_desk.pk,
        kind="question",
        title="Celery retries send duplicate emails",
        body="My retry logic sends twice.",
        topics=Topic.objects.filter(slug="python"),
    )
    answer = posting.reply(
        author=staff, thread_id=solved.pk, body="Use an idempotency ledger for emails."
    )
    posting.accept_answer(actor=asker, thread_id=solved.pk, post_id=answer.pk)
    open_question = posting.create_thread(
        author=asker,
        category_id=help_desk.pk,
        kind="question",
        title="Kubernetes cron jobs overlap",
        body="Two pods run the same email job.",
        topics=Topic.objects.filter(slug="kubernetes"),
    )
    show = posting.create_thread(
        author=staff,
        category_id=showcase.pk,
        title="My talk on email deliverability",
        body="Slides about SPF and DKIM.",
        topics=Topic.objects.filter(slug="public-speaking"),
    )
    return {"solved": solved, "open": open_question, "show": show, "asker": asker}


def titles(posts):
    return [post.thread.title for post in posts]


def run(viewer, query, **filters):
    hits = search.search_posts(viewer=viewer, query=query, filters=search.SearchFilters(**filters))
    return [hit.post for hit in hits]


def test_search_finds_titles_and_bodies(forum, visitor):
    assert set(titles(run(visitor, "email"))) == {
        "Celery retries send duplicate emails",
        "Kubernetes cron jobs overlap",
        "My talk on email deliverability",
    }
    assert titles(run(visitor, "ledger")) == ["Celery retries send duplicate emails"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "showcase"}, {"My talk on email deliverability"}),
        ({"topic": "kubernetes"}, {"Kubernetes cron jobs overlap"}),
        (
            {"author": "@ASKER"},
            {"Celery retries send duplicate emails", "Kubernetes cron jobs overlap"},
        ),
        ({"solved": True}, {"Celery retries send duplicate emails"}),
        ({"solved": False}, {"Kubernetes cron jobs overlap"}),
    ],
)
def test_search_filters(forum, visitor, filters, expected):
    assert set(titles(run(visitor, "email", **filters))) == expected


def test_search_date_filter_leaves_out_older_posts(forum, visitor):
    Post.objects.filter(thread=forum["show"]).update(created_at=timezone.now() - timedelta(days=40))
    recent = timezone.now().date() - timedelta(days=7)

    found = set(titles(run(visitor, "email", after=recent)))

    assert found == {"Celery retries send duplicate emails", "Kubernetes cron jobs overlap"}


def test_empty_query_finds_nothing(forum, visitor):
    assert run(visitor, "   ") == []


REPLY_SNIPPET = {
    # Both read the rendered post (the script is text there); ts_headline's parser takes
    # the leading "&lt;" for the edge of a tag and starts after it.
    "postgres": "script&gt;alert(1)&lt;/script&gt; <mark>deliverability</mark> matters",
    "sqlite": "&lt;script&gt;alert(1)&lt;/script&gt; <mark>deliverability</mark> matters",
}


def test_snippet_marks_matches_and_escapes_the_source(forum, visitor):
    posting.reply(
        author=UserFactory(),
        thread_id=forum["show"].pk,
        body="<script>alert(1)</script> deliverability matters",
    )
    results = run(visitor, "deliverability")

    snippets = {post.number: search.snippet_html(post) for post in results}

    assert snippets == {
        1: "Slides about SPF and DKIM.",  # matched by its thread's title
        2: REPLY_SNIPPET["postgres" if settings.IS_POSTGRES else "sqlite"],
    }


@pytest.mark.postgres
def test_postgres_ranks_title_matches_above_body_matches(forum, visitor):
    posting.reply(
        author=UserFactory(),
        thread_id=forum["open"].pk,
        body="Kubernetes mention deep in a reply about celery",
    )

    results = run(visitor, "celery")

    assert results[0].thread.title == "Celery retries send duplicate emails"
    assert results[0].number == 1


def test_unread_and_new_filters(forum):
    reader = UserFactory()
    engagement.mark_read(member=reader, thread_id=forum["solved"].pk, number=2)
    engagement.mark_read(member=reader, thread_id=forum["open"].pk, number=1)
    posting.reply(author=UserFactory(), thread_id=forum["open"].pk, body="Same here!")

    unread = selectors.list_threads(viewer=reader, list_filter="unread")
    new = selectors.list_threads(viewer=reader, list_filter="new")

    assert [t.title for t in unread.threads] == ["Kubernetes cron jobs overlap"]
    assert [(row.thread, row.unread_count) for row in unread.rows] == [(unread.threads[0], 1)]
    assert [t.title for t in new.threads] == ["My talk on email deliverability"]


def test_first_unread_post(forum):
    reader = UserFactory()
    engagement.mark_read(member=reader, thread_id=forum["solved"].pk, number=1)

    thread = Thread.objects.get(pk=forum["solved"].pk)

    number = selectors.first_unread_number(member=reader, thread=thread)

    assert number == 2


def test_for_you_follows_the_members_topics_and_says_why(forum):
    fan = UserFactory(skill_level="beginner")
    fan.topics.set(Topic.objects.filter(slug="public-speaking"))

    recommendations = selectors.for_you(member=fan)

    assert [(r.thread, r.reason) for r in recommendations] == [
        (forum["show"], "Because you follow Public speaking"),
        (forum["open"], "New this week"),
        (forum["solved"], "New this week"),
    ]


def test_for_you_offers_experts_open_questions(forum):
    expert = UserFactory(skill_level="expert")

    recommendations = selectors.for_you(member=expert)

    assert [(r.thread, r.reason) for r in recommendations] == [
        (forum["open"], "An open question you could answer"),
        (forum["show"], "New this week"),
        (forum["solved"], "New this week"),
    ]


def test_keyset_pages_walk_every_thread_once(staff):
    category = CategoryFactory()
    now = timezone.now()
    for index in range(65):
        thread = posting.create_thread(
            author=staff, category_id=category.pk, title=f"Thread number {index:03}", body="x"
        )
        Thread.objects.filter(pk=thread.pk).update(
            last_activity_at=now - timedelta(minutes=index // 2)  # ties on purpose
        )
    expected = list(
        Thread.objects.order_by("-last_activity_at", "-id").values_list("pk", flat=True)
    )

    first = selectors.list_threads(viewer=staff)
    second = selectors.list_threads(viewer=staff, position=decode_cursor(first.next_cursor))
    third = selectors.list_threads(viewer=staff, position=decode_cursor(second.next_cursor))

    pages = [first, second, third]
    assert [t.pk for page in pages for t in page.threads] == expected
    assert [len(page.threads) for page in pages] == [30, 30, 5]
    assert third.next_cursor is None


def test_a_tampered_cursor_shows_the_first_page(staff):
    thread = posting.create_thread(
        author=staff, category_id=CategoryFactory().pk, title="Only thread here", body="x"
    )

    page = selectors.list_threads(viewer=staff, position=decode_cursor("not-base64!!"))

    assert page.threads == [thread]
