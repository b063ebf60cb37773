"""The notifications API: inbox, unread count, marking read, preferences, watch levels."""

import pytest

from community.models import Subscription
from members.models import Notification, NotificationSetting
from members.notifications import services
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

# About the forum's notifications: the badges a first post earns (and their notifications)
# are loyalty's, tested in tests/members/loyalty.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]


@pytest.fixture
def thread(member):
    return start_thread(member, CategoryFactory(slug="talks"), title="Stage fright tips")


def tell(member, thread, key, actor):
    services.notify(
        recipients=[member.pk],
        kind="reply",
        actor_id=actor.pk,
        target_type="post",
        target_id=thread.posts.get(number=1).pk,
        key=key,
        scope=f"thread:{thread.pk}",
        excerpt="Breathe.",
    )


def test_a_visitor_gets_401(api):
    responses = [
        api.get("/api/v1/notifications/"),
        api.get("/api/v1/notifications/unread-count/"),
        api.post("/api/v1/notifications/read-all/"),
        api.get("/api/v1/me/notification-preferences/"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]


def test_the_inbox_lists_grouped_notifications_and_marks_read(api, member, thread):
    ana = UserFactory(handle="ana", display_name="Ana")
    for key in ("a", "b"):
        tell(member, thread, key, ana)
    api.force_authenticate(member)

    listed = api.get("/api/v1/notifications/").json()
    newest = listed["results"][0]["id"]
    marked = api.post(f"/api/v1/notifications/{newest}/read/").json()
    count = api.get("/api/v1/notifications/unread-count/").json()

    assert listed["unread_count"] == 2
    assert [
        {k: r[k] for k in ("kind", "text", "count", "is_unread", "actor", "url")}
        for r in listed["results"]
    ] == [
        {
            "kind": "reply",
            "text": "2 new replies in “Stage fright tips”",
            "count": 2,
            "is_unread": True,
            "actor": "ana",
            "url": thread.posts.get(number=1).get_absolute_url(),
        }
    ]
    assert (marked, count) == ({"marked": 2}, {"unread": 0})


def test_read_all(api, member, thread):
    tell(member, thread, "a", UserFactory())
    api.force_authenticate(member)

    response = api.post("/api/v1/notifications/read-all/")

    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_marking_someone_elses_notification_marks_nothing(api, member, thread):
    tell(member, thread, "a", UserFactory())
    api.force_authenticate(UserFactory())

    response = api.post(f"/api/v1/notifications/{Notification.objects.get().pk}/read/")

    assert response.json() == {"marked": 0}
    assert Notification.objects.get().read_at is None


def test_preferences_read_and_update(api, member):
    api.force_authenticate(member)

    before = api.get("/api/v1/me/notification-preferences/").json()
    after = api.put(
        "/api/v1/me/notification-preferences/",
        {
            "kinds": {"reaction": {"email": "digest", "on_site": True}},
            "digest": {"frequency": "daily", "weekday": 4},
        },
    ).json()

    assert before["kinds"]["mention"] == {"email": "immediately", "on_site": True}
    assert before["digest"] == {"frequency": "weekly", "weekday": 0}
    assert after["kinds"]["reaction"] == {"email": "digest", "on_site": True}
    assert after["digest"] == {"frequency": "daily", "weekday": 4}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kinds": {"party": {"email": "never", "on_site": True}}}, "kinds"),
        ({"kinds": {"reply": {"email": "hourly", "on_site": True}}}, "kinds"),
        ({"digest": {"frequency": "monthly", "weekday": 1}}, "digest"),
    ],
)
def test_bad_preferences_are_a_400_and_change_nothing(api, member, body, field):
    api.force_authenticate(member)

    response = api.put("/api/v1/me/notification-preferences/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert NotificationSetting.objects.count() == 0
    member.refresh_from_db()
    assert member.digest_frequency == "weekly"


def test_thread_and_category_levels(api, member, thread):
    api.force_authenticate(member)

    on_thread = api.put(f"/api/v1/threads/{thread.pk}/notification-level/", {"level": "muted"})
    on_category = api.put("/api/v1/categories/talks/notification-level/", {"level": "watching"})
    detail = api.get(f"/api/v1/threads/{thread.pk}/").json()

    assert (on_thread.json(), on_category.json()) == ({"level": "muted"}, {"level": "watching"})
    assert detail["notification_level"] == "muted"
    assert sorted(Subscription.objects.filter(member=member).values_list("level", flat=True)) == [
        "muted",
        "watching",
    ]


def test_an_unknown_level_is_a_400_and_changes_nothing(api, member, thread):
    api.force_authenticate(member)

    response = api.put(f"/api/v1/threads/{thread.pk}/notification-level/", {"level": "loud"})

    assert response.status_code == 400
    assert list(response.json()) == ["level"]
    assert list(Subscription.objects.values_list("level", flat=True)) == ["watching"]


def test_a_hidden_thread_level_is_a_404(api, thread):
    hidden = start_thread(
        UserFactory(is_staff=True), CategoryFactory(tier_only=True), title="Hidden VIP thread"
    )
    outsider = UserFactory()
    api.force_authenticate(outsider)

    response = api.put(f"/api/v1/threads/{hidden.pk}/notification-level/", {"level": "muted"})

    assert response.status_code == 404
    assert Subscription.objects.filter(member=outsider).count() == 0
