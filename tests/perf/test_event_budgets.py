"""Query budgets of the event pages and API: 1 row or 100 cost the same exact number of
queries, for visitors and members.

The signed-in reader is the `vip` persona (a tier, so the tier row is one of the queries);
pages are measured cold (the cache cleared first): a signed-in page costs the session, the
user, the user's tier, and the header's unread count and email banner on top of its own.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import Topic
from events.selectors import lists
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

#: session, user, tier, the header's unread count, the header's email banner
SIGNED_IN_PAGE = 5
#: session, user, tier (the API has no header)
SIGNED_IN_API = 3


def fetch(client, django_assert_num_queries, queries, url, params=None):
    cache.clear()  # the cold cost
    with django_assert_num_queries(queries):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response


def grow_events(count, reader=None):
    """`count` upcoming events, each with two hosts and two topics; the reader (if any)
    registered for every other one."""
    topics = list(Topic.objects.all()[:2])
    hosts = UserFactory.create_batch(2)
    events = [EventFactory(hosts=hosts, topics=topics) for _ in range(count)]
    if reader is not None:
        for event in events[::2]:
            RegistrationFactory(event=event, member=reader)
    return events


# The page: events (with their tiers), their hosts, their topics, the topics for the
# filter; a member adds the signed-in five and their registrations for the listed events.
# The API: the same without the filter's topics.
@pytest.mark.parametrize("rows", [1, 100])
@pytest.mark.parametrize(
    ("url", "visitor", "member"),
    [
        (reverse("events:list"), 4, 4 + SIGNED_IN_PAGE + 1),
        (reverse("api:event-list"), 3, 3 + SIGNED_IN_API + 1),
    ],
    ids=["page", "api"],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_the_events_list_costs_the_same_for_1_and_100_events(
    client, django_assert_num_queries, monkeypatch, vip, rows, url, visitor, member, signed_in
):
    monkeypatch.setattr(lists, "EVENTS_PER_PAGE", 100)
    if signed_in:
        client.force_login(vip)
    grow_events(rows, reader=vip)

    response = fetch(client, django_assert_num_queries, member if signed_in else visitor, url)

    shown = response.context["screen"].page.rows if "api" not in url else response.json()["results"]
    assert len(shown) == rows


@pytest.fixture
def busy_ama():
    def grow(rows, reader):
        event = EventFactory(ama=True, capacity=None, hosts=UserFactory.create_batch(2))
        RegistrationFactory(event=event, member=reader)
        for n in range(rows):
            QuestionFactory(event=event, vote_count=n, is_anonymous=n % 3 == 0)
        return event

    return grow


# The event with its tiers and thread, its hosts, its topics, its questions with their
# authors; a member adds the signed-in five, their registration and their votes.
@pytest.mark.parametrize("rows", [1, 100])
@pytest.mark.parametrize(("signed_in", "queries"), [(False, 4), (True, 4 + SIGNED_IN_PAGE + 2)])
def test_the_event_page_costs_the_same_for_1_and_100_questions(
    client, django_assert_num_queries, busy_ama, vip, rows, signed_in, queries
):
    event = busy_ama(rows, vip)
    if signed_in:
        client.force_login(vip)

    response = fetch(client, django_assert_num_queries, queries, event.get_absolute_url())

    assert len(response.context["screen"].questions.rows) == rows


# The API's question list: the event, hosts, topics, questions with authors; a member adds
# session, user, tier, their registration and their votes. The live refresh first reads
# the questions' version (its ETag), then the same.
@pytest.mark.parametrize("rows", [1, 100])
@pytest.mark.parametrize(
    ("route", "visitor", "member"),
    [
        ("api:event-questions", 4, 4 + SIGNED_IN_API + 2),
        ("events:questions-live", 5, 5 + SIGNED_IN_API + 2),
    ],
    ids=["api", "live"],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_the_questions_list_costs_the_same_for_1_and_100_questions(
    client, django_assert_num_queries, busy_ama, vip, rows, route, visitor, member, signed_in
):
    event = busy_ama(rows, vip)
    if signed_in:
        client.force_login(vip)

    fetch(
        client,
        django_assert_num_queries,
        member if signed_in else visitor,
        reverse(route, args=[event.pk]),
    )


def test_an_unchanged_live_poll_costs_one_query_after_sign_in(
    client, django_assert_num_queries, busy_ama, vip
):
    event = busy_ama(3, vip)
    client.force_login(vip)
    url = reverse("events:questions-live", args=[event.pk])
    etag = client.get(url)["ETag"]
    cache.clear()

    # session, user, tier (the access check reads the rank), the version: nothing rendered
    with django_assert_num_queries(SIGNED_IN_API + 1):
        response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
