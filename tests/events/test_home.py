"""The home page: a member lands on their community, a visitor sees a living place that
promises only what exists; both cost a fixed number of queries."""

import re

import pytest
from django.core.cache import cache
from django.urls import Resolver404, resolve, reverse

from community.models import Subscription
from community.services import engagement
from tests.community.factories import CategoryFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
HOME = reverse("core:home")


def test_signing_in_lands_on_the_community_home(client, member):
    ThreadFactory(title="Pitching a talk to a conference")

    login = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    home = client.get(login["Location"])

    assert login.status_code == 302
    assert login["Location"] == HOME
    assert home.context["screen"].is_member is True
    assert [row.thread.title for row in home.context["screen"].threads.rows] == [
        "Pitching a talk to a conference"
    ]


def test_finishing_onboarding_lands_on_the_community_home(client):
    newbie = UserFactory(onboarded_at=None, time_zone="UTC")
    client.force_login(newbie)

    response = client.post(
        reverse("members:onboarding"),
        {"skill_level": "beginner", "topics": [], "goals": [], "time_zone": "UTC"},
    )

    assert response.status_code == 302
    assert response["Location"] == HOME


def test_the_logo_leads_home_to_the_community(client, member):
    client.force_login(member)

    content = client.get(reverse("community:latest")).content.decode()
    home = client.get(HOME).content.decode()

    assert f'<a class="brand" href="{HOME}">' in content
    assert 'aria-label="Which threads"' in home
    assert f'href="{HOME}?filter=unread"' in home
    assert f'href="{HOME}?filter=for-you"' in home


def test_account_settings_live_in_the_account_menu_not_on_the_home(client, member):
    client.force_login(member)

    content = client.get(HOME).content.decode()

    main = content.split('<main id="main"', 1)[1]
    header = content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert reverse("account_change_password") not in main
    assert reverse("members:api-token") not in main
    assert f'href="{reverse("account_change_password")}"' in header
    assert f'href="{reverse("members:api-token")}"' in header


def test_watched_threads_show_with_their_unread_counts(client, member):
    thread = ThreadFactory(title="Watched one", post_count=5)
    ThreadFactory(title="Not watched")
    engagement.set_thread_level(
        member=member, thread_id=thread.pk, level=Subscription.Level.WATCHING
    )
    engagement.record_thread_visit(viewer=member, thread_id=thread.pk, read_to=2, known=None)
    client.force_login(member)

    screen = client.get(HOME).context["screen"]

    assert [(item.title, item.unread_count) for item in screen.watched] == [("Watched one", 3)]


def test_unread_tab_lists_only_threads_with_new_posts(client, member):
    read = ThreadFactory(title="Read to the end", post_count=2)
    behind = ThreadFactory(title="Two new posts", post_count=4)
    engagement.record_thread_visit(viewer=member, thread_id=read.pk, read_to=2, known=None)
    engagement.record_thread_visit(viewer=member, thread_id=behind.pk, read_to=2, known=None)
    client.force_login(member)

    screen = client.get(HOME, {"filter": "unread"}).context["screen"]

    assert screen.list_filter == "unread"
    assert [row.thread.title for row in screen.threads.rows] == ["Two new posts"]


def test_for_you_tab_never_recommends_the_members_own_threads(client, member):
    ThreadFactory(title="Mine", author=member)
    ThreadFactory(title="Someone else's")
    client.force_login(member)

    screen = client.get(HOME, {"filter": "for-you"}).context["screen"]

    assert [row.thread.title for row in screen.picks] == ["Someone else's"]


def test_member_home_shows_events_they_may_see_and_those_they_registered_for(client, member):
    EventFactory(title="Open webinar")
    EventFactory(title="Members AMA", members_only=True)
    EventFactory(title="Cancelled one", cancelled=True)
    registered = EventFactory(title="My masterclass")
    RegistrationFactory(event=registered, member=member)
    client.force_login(member)

    screen = client.get(HOME).context["screen"]

    assert sorted(row.event.title for row in screen.upcoming) == [
        "Members AMA",
        "My masterclass",
        "Open webinar",
    ]
    assert [(row.event.title, row.my_status) for row in screen.registered] == [
        ("My masterclass", "confirmed")
    ]


def test_visitor_home_shows_public_threads_members_and_events_only(client):
    ThreadFactory(title="Public question", author=UserFactory(display_name="Ada Public"))
    ThreadFactory(title="Members-only talk", category=CategoryFactory(members_only=True))
    EventFactory(title="Public webinar")
    EventFactory(title="Members AMA", members_only=True)

    response = client.get(HOME)

    screen = response.context["screen"]
    content = response.content.decode()
    assert screen.is_member is False
    assert [row.thread.title for row in screen.visitor_threads] == ["Public question"]
    assert [row.event.title for row in screen.upcoming] == ["Public webinar"]
    assert "Ada Public" in content
    assert "Members-only talk" not in content
    assert "Members AMA" not in content


#: Words for features Hearth does not have (yet): the visitor home must not promise them.
MISSING_FEATURES = ("reputation", "badges", "leaderboard", "ideas", "points")


def test_visitor_home_promises_only_features_that_exist(client):
    content = client.get(HOME).content.decode()

    main = content.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    links = [link for link in re.findall(r'href="(/[^"?#]*)', main) if "/static/" not in link]
    unresolved = []
    for link in links:
        try:
            resolve(link)
        except Resolver404:
            unresolved.append(link)
    assert sorted(set(links)) == ["/accounts/login/", "/accounts/signup/", "/events/"]
    assert unresolved == []
    assert [word for word in MISSING_FEATURES if word in main.lower()] == []


def test_member_home_shows_their_points_tier_progress_and_badges(client, member):
    from community.services import posting
    from members.loyalty import tiers
    from tests.members.factories import TierFactory

    TierFactory(name="Spark", slug="spark", rank=1, points_threshold=5)
    TierFactory(name="Flame", slug="flame", rank=2, points_threshold=50)
    category = CategoryFactory()
    posting.create_thread(author=member, category_id=category.pk, title="Hello", body="Hi all")
    tiers.refresh_tier(member_id=member.pk)  # Spark at 5 points (a no-op if already)
    client.force_login(member)

    response = client.get(HOME)

    panel = re.search(
        r'<section class="card home-panel"[^>]*data-testid="home-loyalty">(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    assert panel is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", panel.group(1)).split())
    dates = r"\d{1,2} [A-Z][a-z]+ \d{4}"  # shown in the member's zone: their shape here
    assert re.sub(dates, "DATE", text) == (
        "Your standing Spark since DATE 5 points 5 in the last 12 months"
        " 45 points to Flame at your pace, around DATE 1 badge Tiers and your progress"
    )
    links = re.findall(r'href="([^"]+)"', panel.group(1))
    assert links == [
        reverse("members:tiers") + "#tier-spark",
        reverse("members:points"),
        reverse("members:badges"),
        reverse("members:tiers"),
    ]


# --- Query budgets: 1 row or many cost the same ----------------------------------------------

#: session, user, tier (none for `member`: no query), header unread count, email banner
SIGNED_IN = 4


def grow_home(count, reader):
    category = CategoryFactory()
    for index in range(count):
        thread = ThreadFactory(category=category, post_count=3)
        Subscription.objects.create(member=reader, thread=thread)
        engagement.record_thread_visit(viewer=reader, thread_id=thread.pk, read_to=1, known=None)
        event = EventFactory(hosts=[UserFactory()])
        if index % 2 == 0:
            RegistrationFactory(event=event, member=reader)


def fetch_home(client, django_assert_num_queries, queries, params=None):
    cache.clear()
    with django_assert_num_queries(queries):
        response = client.get(HOME, params or {})
    assert response.status_code == 200
    return response


#: the member's standing: the tiers, their 12-month sums, their points state, any tier
#: grant, their badges count; and with a tier the date they reached it
LOYALTY = 5


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize(("persona", "tier_queries"), [("member", 0), ("vip", 2)])
def test_member_home_costs_the_same_for_1_and_12_rows(
    request, client, django_assert_num_queries, persona, tier_queries, rows
):
    member = request.getfixturevalue(persona)
    client.force_login(member)
    grow_home(rows, member)
    # threads, their topics, pinned threads, read markers; watched threads, their read
    # markers; events, hosts, topics, registrations; registered events' ids, the events,
    # hosts, topics; the standing (a tier adds the header's tier row and the date reached)
    queries = SIGNED_IN + 4 + 2 + 4 + 4 + LOYALTY + tier_queries

    response = fetch_home(client, django_assert_num_queries, queries)

    assert len(response.context["screen"].watched) == min(rows, 8)
    assert response.context["screen"].loyalty.progress.tier == member.tier


@pytest.mark.parametrize("rows", [1, 12])
def test_visitor_home_costs_the_same_for_1_and_12_rows(
    client, django_assert_num_queries, member, rows
):
    grow_home(rows, member)
    # threads, their topics, pinned threads; events, hosts, topics; members, their count
    queries = 3 + 3 + 2

    response = fetch_home(client, django_assert_num_queries, queries)

    assert len(response.context["screen"].visitor_threads) == min(rows, 8)
