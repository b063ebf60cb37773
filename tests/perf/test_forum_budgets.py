"""Query budgets: every forum page runs the same exact number of queries at 1 row or many,
for visitors and members.

The signed-in reader is the `vip` persona (a tier, so the tier row is one of the queries)
following three topics. The thread page is measured on page 1 and on the last page of a
1,000-post thread: posts are fetched by number range, so the last page costs what the
first costs.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from community.models import Post, Thread
from community.services import posting
from core.models import Topic
from members.loyalty.models import Badge, BadgeAward
from tests.community.factories import CategoryFactory, CategoryModeratorFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

#: A signed-in request, measured cold (the cache cleared first), costs these five: the
#: session, the user, the user's tier, and the header's unread count and email banner.
SIGNED_IN = 5

LIST_PAGES = {
    # page: (url, params, visitor's queries, member's queries)
    "latest": (
        lambda category: (reverse("community:latest"), None),
        # threads, their topics, globally pinned threads, categories for the filter;
        # a member adds session, user, tier and the read states of the listed threads
        4,
        4 + SIGNED_IN + 1,
    ),
    "category": (
        lambda category: (reverse("community:category", args=[category.slug]), None),
        # the category, its threads, their topics, its pinned threads, categories; a member
        # adds session, user, tier, read states and whether they watch the category
        5,
        5 + SIGNED_IN + 2,
    ),
    "search": (
        lambda category: (reverse("community:search"), {"q": "email"}),
        # the ranked page of post ids, those posts with thread, category, author and snippet;
        # categories and topics for the filters; a member adds session, user and tier
        4,
        4 + SIGNED_IN,
    ),
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


@pytest.fixture
def reader(vip):
    vip.topics.set(Topic.objects.all()[:3])
    return vip


def fetch(client, django_assert_num_queries, queries, url, params=None):
    cache.clear()  # the cold cost: nothing cached (a warm cache saves the header's queries)
    with django_assert_num_queries(queries):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("page", ["latest", "category", "search"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_list_pages_cost_the_same_for_1_and_40_threads(
    request, client, django_assert_num_queries, category, page, signed_in
):
    if signed_in:
        client.force_login(request.getfixturevalue("reader"))
    to_url, visitor_queries, member_queries = LIST_PAGES[page]
    queries = member_queries if signed_in else visitor_queries
    url, params = to_url(category)
    grow_forum(category, 1)
    fetch(client, django_assert_num_queries, queries, url, params)

    grow_forum(category, 39)

    fetch(client, django_assert_num_queries, queries, url, params)


def test_for_you_costs_the_same_for_1_and_40_threads(
    client, django_assert_num_queries, category, reader
):
    client.force_login(reader)
    # session, user, followed topics, watched categories, categories posted in, tier,
    # candidate threads (columns only), their topic ids, read states, the picked threads with
    # what a row shows, their topics, the header's unread count and banner
    queries = 13
    grow_forum(category, 1)
    fetch(client, django_assert_num_queries, queries, reverse("community:for-you"))

    grow_forum(category, 39)

    fetch(client, django_assert_num_queries, queries, reverse("community:for-you"))


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
    Thread.objects.filter(pk=thread.pk).update(
        post_count=1000, last_published_number=1000, last_number=1000
    )
    for member, slugs in ((author, ["guru", "helpful", "one-year"]), (other, ["thank-you"])):
        for badge in Badge.objects.filter(slug__in=slugs):
            BadgeAward.objects.get_or_create(member=member, badge=badge)
    return thread


@pytest.fixture
def category_moderator(category):
    """A VIP member who moderates the long thread's category."""
    member = UserFactory(vip=True)
    CategoryModeratorFactory(member=member, category=category)
    return member


# the thread with its category, its topics, the page of posts, its authors' badges (one
# query for every author on the page), the page's moderator thank-yous (one query); a
# moderator adds the manual badges their reward menu offers (and, holding no tier, has no
# tier to load among the signed-in five); a member adds the signed-in
# five, the read marker, their notification level, their reactions on the page and marking
# the thread's notifications read (the unread count is not cached yet, so the update runs);
# whether they may post is read off the user row (has_verified_email), no query. A category
# moderator of the thread's category costs a member's queries plus two: the categories
# they moderate (once per request) and the manual badges their reward menu offers (the
# menu on each post reuses the page's can_moderate: no query per post)
@pytest.mark.parametrize(
    ("signed_in", "queries"),
    [
        (False, 5),
        (True, 5 + SIGNED_IN + 4),
        ("moderator", 5 + SIGNED_IN - 1 + 4 + 1),
        ("category_moderator", 5 + SIGNED_IN + 4 + 2),
    ],
    ids=["visitor", "member", "moderator", "category_moderator"],
)
def test_thread_page_costs_the_same_on_page_1_and_the_last_page_of_1000_posts(
    request, client, django_assert_num_queries, long_thread, signed_in, queries
):
    if signed_in:
        persona = signed_in if isinstance(signed_in, str) else "reader"
        client.force_login(request.getfixturevalue(persona))
    url = reverse("community:thread", args=[long_thread.pk, slugify(long_thread.title)])
    client.get(url, {"page": 50})  # a member has now read it all: no more writes

    first = fetch(client, django_assert_num_queries, queries, url, {"page": 1})
    last = fetch(client, django_assert_num_queries, queries, url, {"page": 50})

    assert [p.number for p in first.context["screen"].posts] == list(range(1, 21))
    assert [p.number for p in last.context["screen"].posts] == list(range(981, 1001))
    marks = {row.post.number: [b.slug for b in row.badges] for row in last.context["screen"].rows}
    # gold first, then the bronze ones most recently awarded first; "first post" (no grade)
    # is a fourth and stays off
    assert (marks[981], marks[982]) == (["guru", "one-year", "helpful"], ["thank-you"])


@pytest.mark.parametrize(
    ("signed_in", "queries"), [(False, 5), (True, 5 + SIGNED_IN + 3)], ids=["visitor", "member"]
)
def test_a_question_sorted_by_likes_costs_the_same_on_page_1_and_page_50(
    request, client, django_assert_num_queries, long_thread, signed_in, queries
):
    # as the time order, without marking read (a page by likes is not a run of posts)
    Thread.objects.filter(pk=long_thread.pk).update(kind=Thread.Kind.QUESTION)
    Post.objects.filter(thread=long_thread, number=500).update(like_count=3)
    if signed_in:
        client.force_login(request.getfixturevalue("reader"))
    url = reverse("community:thread", args=[long_thread.pk, slugify(long_thread.title)])

    first = fetch(client, django_assert_num_queries, queries, url, {"page": 1, "sort": "likes"})
    last = fetch(client, django_assert_num_queries, queries, url, {"page": 50, "sort": "likes"})

    assert [p.number for p in first.context["screen"].posts][:3] == [1, 500, 2]
    assert len(last.context["screen"].posts) == 20


def test_anonymous_thread_views_do_not_write_on_every_request(
    client, django_assert_num_queries, long_thread
):
    url = reverse("community:thread", args=[long_thread.pk, slugify(long_thread.title)])
    client.get(url)

    # thread, topics, posts, badges, thank-yous: reads
    with django_assert_num_queries(5) as captured:
        client.get(url)

    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == []
