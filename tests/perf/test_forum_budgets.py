"""Query budgets: every forum page costs the same at 1 row or many, for visitors and members.

The thread page is measured on page 1 and on the last page of a 1,000-post thread: posts
are fetched by number range, so the last page costs what the first costs.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from community.models import Post, Thread
from community.services import posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

BUDGETS = {  # the most queries each page may run (visitor / member)
    "latest": (4, 9),
    "category": (5, 10),
    # A member's thread page runs 9: can_post reads User.has_verified_email from the
    # session's user row instead of querying allauth's EmailAddress table (it was 10).
    "thread": (5, 9),
    "search": (3, 7),
    "for_you": (None, 10),
}


@pytest.fixture
def category():
    return CategoryFactory(slug="general", name="General")


def grow_forum(category, threads: int, replies: int = 2) -> list[Thread]:
    authors = UserFactory.create_batch(3, tier=TierFactory())
    topics = list(Topic.objects.all()[:2])
    made = []
    for index in range(threads):
        thread = posting.create_thread(
            author=authors[index % 3],
            category_id=category.pk,
            title=f"Deploy email topic {index}",
            body="Email deliverability and `code`",
            topics=topics,
        )
        for reply in range(replies):
            posting.reply(
                author=authors[(index + reply + 1) % 3],
                thread_id=thread.pk,
                body=f"Reply {reply} about email",
            )
        made.append(thread)
    return made


def count(client, django_assert_max_num_queries, url, params=None):
    with django_assert_max_num_queries(200) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def sign_in(client, signed_in):
    if signed_in:
        reader = UserFactory(tier=TierFactory())
        reader.topics.set(Topic.objects.all()[:3])
        client.force_login(reader)


PAGES = {
    "latest": lambda category: (reverse("community:latest"), None),
    "category": lambda category: (reverse("community:category", args=[category.slug]), None),
    "search": lambda category: (reverse("community:search"), {"q": "email"}),
}


@pytest.mark.parametrize("page", ["latest", "category", "search"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_list_pages_cost_the_same_for_1_and_40_threads(
    client, django_assert_max_num_queries, category, page, signed_in
):
    sign_in(client, signed_in)
    grow_forum(category, 1)
    url, params = PAGES[page](category)
    small = count(client, django_assert_max_num_queries, url, params)

    grow_forum(category, 39)
    large = count(client, django_assert_max_num_queries, url, params)

    assert small == large
    assert large <= BUDGETS[page][int(signed_in)]


def test_for_you_costs_the_same_for_1_and_40_threads(
    client, django_assert_max_num_queries, category
):
    sign_in(client, True)
    grow_forum(category, 1)
    small = count(client, django_assert_max_num_queries, reverse("community:for-you"))

    grow_forum(category, 39)
    large = count(client, django_assert_max_num_queries, reverse("community:for-you"))

    assert small == large
    assert large <= BUDGETS["for_you"][1]


@pytest.fixture
def long_thread(category):
    author, other = UserFactory(), UserFactory()
    thread = posting.create_thread(
        author=author, category_id=category.pk, title="A very long thread", body="Start"
    )
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                thread=thread,
                number=n,
                author=author if n % 2 else other,
                source=f"Post {n}",
                html=f"<p>Post {n}</p>",
                created_at=now,
            )
            for n in range(2, 1001)
        ]
    )
    Thread.objects.filter(pk=thread.pk).update(post_count=1000)
    return thread


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_thread_page_costs_the_same_on_page_1_and_the_last_page_of_1000_posts(
    client, django_assert_max_num_queries, long_thread, signed_in
):
    sign_in(client, signed_in)
    url = reverse("community:thread", args=[long_thread.pk, slugify(long_thread.title)])
    last_page = client.get(url, {"page": 50})  # a member has now read it all: no more writes

    first = count(client, django_assert_max_num_queries, url, {"page": 1})
    last = count(client, django_assert_max_num_queries, url, {"page": 50})

    assert [p.number for p in last_page.context["page"].posts][-1] == 1000
    assert first == last
    assert last <= BUDGETS["thread"][int(signed_in)]


def test_anonymous_thread_views_do_not_write_on_every_request(
    client, django_assert_max_num_queries, long_thread
):
    url = reverse("community:thread", args=[long_thread.pk, slugify(long_thread.title)])
    client.get(url)

    with django_assert_max_num_queries(200) as captured:
        client.get(url)

    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == []
