"""Leaderboard pages and API: who is ranked, in what order, the viewer's place, and the
same number of queries for one member or ten thousand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from members.leaderboards import selectors, standings
from members.leaderboards.models import MemberPeriodPoints, MemberTopicPoints
from members.loyalty import ledger
from members.loyalty.models import MemberVerbTotal
from members.models import User
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def score(member: User, points: int, *, period: str = "week") -> MemberPeriodPoints:
    return MemberPeriodPoints.objects.create(
        member=member, period=period, starts_on=standings.current_start(period), points=points
    )


def many_members(count: int, *, period: str = "week") -> list[User]:
    """`count` members with points on the board, written in bulk (the summaries only)."""
    users = User.objects.bulk_create(
        User(email=f"bulk{n}@example.com", handle=f"bulk_{n}", display_name=f"Bulk {n}")
        for n in range(count)
    )
    starts_on = standings.current_start(period)
    MemberPeriodPoints.objects.bulk_create(
        MemberPeriodPoints(member=u, period=period, starts_on=starts_on, points=1 + n % 97)
        for n, u in enumerate(users)
    )
    return users


def board(screen) -> list[tuple[int, str, int]]:
    return [(row.rank, row.member.handle, row.score) for row in screen.rows]


def test_the_board_ranks_by_points_then_by_who_joined_first(member):
    ann, bob, cy = (UserFactory(handle=h) for h in ("ann", "bob", "cy"))
    score(ann, 10)
    score(bob, 30)
    score(cy, 10)

    screen = selectors.get_leaderboard_screen(viewer=member, board="week")

    assert board(screen) == [(1, "bob", 30), (2, "ann", 10), (3, "cy", 10)]


def test_staff_suspended_and_deactivated_accounts_are_not_ranked(member):
    score(UserFactory(handle="boss", staff=True), 99)
    score(UserFactory(handle="benched", suspended_until=timezone.now() + timedelta(days=3)), 98)
    score(UserFactory(handle="gone", inactive=True), 97)
    score(UserFactory(handle="served", suspended_until=timezone.now() - timedelta(days=1)), 5)

    screen = selectors.get_leaderboard_screen(viewer=member, board="week")

    assert board(screen) == [(1, "served", 5)]


def test_the_viewer_sees_their_own_place(member):
    for n in range(3):
        score(UserFactory(handle=f"top{n}"), 50 - n)
    score(UserFactory(handle="boss", staff=True), 99)  # not ranked: not counted above
    score(member, 20)

    screen = selectors.get_leaderboard_screen(viewer=member, board="week")

    assert (screen.viewer_row.rank, screen.viewer_row.score) == (4, 20)


@pytest.mark.parametrize("board_key", ["week", "all", "helpers", "topic"])
def test_the_viewers_place_leaves_out_every_unranked_member_above_them(board_key):
    python = Topic.objects.get(slug="python")

    def give(someone: User, points: int) -> None:
        if board_key == "helpers":
            MemberVerbTotal.objects.create(
                member=someone, verb=selectors.HELPERS_VERB, count=points, points=points
            )
        elif board_key == "topic":
            MemberTopicPoints.objects.create(member=someone, topic=python, points=points)
        else:
            score(someone, points, period=board_key)

    give(UserFactory(handle="boss", staff=True), 99)
    give(UserFactory(handle="benched", suspended_until=timezone.now() + timedelta(days=3)), 98)
    give(UserFactory(handle="gone", inactive=True), 97)
    give(UserFactory(handle="served", suspended_until=timezone.now() - timedelta(days=1)), 50)
    give(UserFactory(handle="boss_tied", staff=True), 20)  # tied, earlier id, not ranked
    give(UserFactory(handle="tied"), 20)  # tied, joined before the viewer: above them
    viewer = UserFactory(handle="viewer")
    give(viewer, 20)
    give(UserFactory(handle="later"), 20)  # tied, joined after: below
    slug = "python" if board_key == "topic" else None

    screen = selectors.get_leaderboard_screen(
        viewer=viewer, board="all" if slug else board_key, topic_slug=slug
    )

    assert (screen.viewer_row.rank, screen.viewer_row.score) == (3, 20)
    assert [row.member.handle for row in screen.rows] == ["served", "tied", "viewer", "later"]


def test_a_viewer_without_points_has_no_place(member):
    score(UserFactory(), 5)

    screen = selectors.get_leaderboard_screen(viewer=member, board="week")

    assert screen.viewer_row is None


def test_last_weeks_points_are_not_on_this_weeks_board(member):
    MemberPeriodPoints.objects.create(
        member=UserFactory(),
        period="week",
        starts_on=standings.current_start("week") - timedelta(days=7),
        points=40,
    )

    screen = selectors.get_leaderboard_screen(viewer=member, board="week")

    assert screen.rows == []


def test_boards_are_fed_by_the_ledger(member):
    helper = UserFactory(handle="helper")
    ledger.record(member_id=helper.pk, verb="answer_accepted", key="a", actor_id=member.pk)

    boards = {
        key: board(selectors.get_leaderboard_screen(viewer=member, board=key))
        for key in ("week", "month", "all", "helpers")
    }

    assert boards == {
        "week": [(1, "helper", 25)],
        "month": [(1, "helper", 25)],
        "all": [(1, "helper", 25)],
        "helpers": [(1, "helper", 1)],
    }


def test_a_topic_board_ranks_the_topics_points(member):
    python = Topic.objects.get(slug="python")
    MemberTopicPoints.objects.create(
        member=UserFactory(handle="pythonista"), topic=python, points=7
    )
    MemberTopicPoints.objects.create(
        member=UserFactory(handle="devopsy"), topic=Topic.objects.get(slug="devops"), points=70
    )

    screen = selectors.get_leaderboard_screen(viewer=member, topic_slug="python")

    assert (screen.board, screen.title) == ("topic", python.name)
    assert board(screen) == [(1, "pythonista", 7)]


def test_the_board_pages_and_stops_at_the_cap(member, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "MAX_PAGE", 2)
    for n in range(6):
        score(UserFactory(handle=f"m{n}"), 60 - n)

    second = selectors.get_leaderboard_screen(viewer=member, board="week", page=2)
    beyond = selectors.get_leaderboard_screen(viewer=member, board="week", page=9)

    assert board(second) == [(3, "m2", 58), (4, "m3", 57)]
    assert (second.has_previous, second.has_next) == (True, False)
    assert board(beyond) == board(second)


def test_the_page_shows_the_board_and_the_viewers_place(client, member):
    score(UserFactory(handle="ann", display_name="Ann Able"), 30)
    score(member, 10)
    client.force_login(member)

    response = client.get(reverse("members:leaderboard-board", args=["week"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ann Able" in body
    assert "Your place: <strong>#2</strong> with 10 points." in body


@pytest.mark.parametrize(
    "url",
    ["/leaderboards/", "/leaderboards/month/", "/leaderboards/all/", "/leaderboards/helpers/"],
)
def test_every_board_page_answers(client, member, url):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/leaderboards/yearly/", "/leaderboards/topics/knitting/"])
def test_an_unknown_board_or_topic_is_not_found(client, member, url):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 404


def test_the_pages_need_a_signed_in_member(client):
    response = client.get("/leaderboards/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [1, 60])
def test_page_query_count_is_constant(client, member, django_assert_num_queries, count):
    many_members(count)
    score(member, 3)
    client.force_login(member)

    # user, topics, board page, my score, my place, unread count, email health
    with django_assert_num_queries(7):
        response = client.get("/leaderboards/")

    assert response.status_code == 200


@pytest.mark.slow
def test_page_query_count_with_ten_thousand_members(client, member, django_assert_num_queries):
    many_members(10_000)
    score(member, 3)
    client.force_login(member)

    with django_assert_num_queries(7):
        response = client.get("/leaderboards/")

    assert response.status_code == 200
    assert response.content.decode().count('<td class="nowrap">#') == selectors.PAGE_SIZE


def test_the_api_lists_a_board_with_the_callers_place(api, member):
    score(UserFactory(handle="ann", display_name="Ann Able"), 30)
    score(member, 10)
    api.force_authenticate(member)

    response = api.get("/api/v1/leaderboards/week/")

    data = response.json()
    assert response.status_code == 200
    assert (data["board"], data["unit"], data["starts_on"]) == (
        "week",
        "points",
        standings.current_start("week").isoformat(),
    )
    assert [(r["rank"], r["handle"], r["score"]) for r in data["results"]] == [
        (1, "ann", 30),
        (2, "member", 10),
    ]
    assert (data["me"]["rank"], data["next"], data["previous"]) == (2, None, None)


def test_the_api_topic_board(api, member):
    MemberTopicPoints.objects.create(
        member=UserFactory(handle="py"), topic=Topic.objects.get(slug="python"), points=4
    )
    api.force_authenticate(member)

    response = api.get("/api/v1/leaderboards/topics/python/")

    assert response.status_code == 200
    assert [(r["handle"], r["score"]) for r in response.json()["results"]] == [("py", 4)]
    assert response.json()["topic"] == "python"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/leaderboards/yearly/", 404),
        ("/api/v1/leaderboards/topics/knitting/", 404),
        ("/api/v1/leaderboards/week/?page=0", 400),
        ("/api/v1/leaderboards/week/?page=21", 400),
    ],
)
def test_the_api_refuses_unknown_boards_and_pages(api, member, url, status):
    api.force_authenticate(member)

    response = api.get(url)

    assert response.status_code == status


def test_the_api_refuses_a_visitor(api):
    response = api.get("/api/v1/leaderboards/week/")

    assert response.status_code == 401


@pytest.mark.parametrize("count", [1, 60])
def test_api_query_count_is_constant(api, member, django_assert_num_queries, count):
    many_members(count, period="all")
    score(member, 3, period="all")
    api.force_authenticate(member)

    with django_assert_num_queries(4):  # topics, board page, my score, my place
        response = api.get("/api/v1/leaderboards/all/")

    assert response.status_code == 200
