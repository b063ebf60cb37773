"""Query budgets of the forum API: 1 row or many cost the same exact number of queries.

An authenticated API request here uses force_authenticate, so no session or user query
is counted; page budgets (test_forum_budgets.py) count those.
"""

import pytest

from community.services import engagement, posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_desk():
    return CategoryFactory(slug="help")


@pytest.fixture
def asker():
    return UserFactory(handle="asker")


def grow_forum(size, *, author, category, member):
    """`size` threads with a topic and a reply the member reacted to and read."""
    python = Topic.objects.filter(slug="python")
    for i in range(size):
        thread = start_thread(author, category, title=f"Thread number {i}", topics=python)
        reply = posting.reply(author=author, thread_id=thread.pk, body=f"Celery reply {i}")
        engagement.add_reaction(member=member, post_id=reply.pk, kind="like")
        engagement.mark_read(member=member, thread_id=thread.pk, number=1)


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize(("persona", "queries"), [("visitor", 3), ("member", 4)])
def test_thread_list_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona, queries
):
    grow_forum(size, author=asker, category=help_desk, member=member)
    if persona == "member":
        api.force_authenticate(member)

    # threads, their topics, the pinned threads (listed apart, as on the page); a member adds
    # read states
    with django_assert_num_queries(queries):
        response = api.get("/api/v1/threads/")

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 19])
@pytest.mark.parametrize(("persona", "queries"), [("visitor", 3), ("member", 6)])
def test_post_list_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona, queries
):
    thread = start_thread(asker, help_desk)
    for i in range(size):
        reply = posting.reply(author=UserFactory(), thread_id=thread.pk, body=f"Reply {i}")
        engagement.add_reaction(member=member, post_id=reply.pk, kind="like")
    if persona == "member":
        api.force_authenticate(member)

    # the thread, its topics, the page of posts; a member adds their tier, the read marker,
    # their notification level and their reactions
    with django_assert_num_queries(queries):
        response = api.get(f"/api/v1/threads/{thread.pk}/posts/")

    assert len(response.json()["results"]) == size + 1


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_search_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona
):
    grow_forum(size, author=asker, category=help_desk, member=member)
    if persona == "member":
        api.force_authenticate(member)

    # the ranked page of post ids (from the newest matches), those posts with thread,
    # category, author and snippet
    with django_assert_num_queries(2):
        response = api.get("/api/v1/search/", {"q": "celery"})

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 12])
def test_for_you_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size
):
    member.topics.set(Topic.objects.filter(slug="python"))
    grow_forum(size, author=asker, category=help_desk, member=member)
    api.force_authenticate(member)

    # followed topics, watched categories, categories posted in, candidate threads (their
    # columns only), their topic ids, read states, the picked threads with what a row shows,
    # their topics
    with django_assert_num_queries(8):
        response = api.get("/api/v1/for-you/")

    assert len(response.json()["results"]) == size
