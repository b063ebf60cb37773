"""notify(), the inbox, the bell and marking read."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Category
from community.services import engagement, posting
from members.models import Notification
from members.notifications import selectors, services
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

# About the forum's notifications: the badges a first post earns (and their notifications)
# are loyalty's, tested in tests/members/loyalty.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]


@pytest.fixture
def thread(member):
    return start_thread(member, CategoryFactory(), title="Slides for my first talk")


def tell(recipients, thread, *, actor=None, key="k1", kind="reply"):
    post = thread.posts.get(number=1)
    return services.notify(
        recipients=[m.pk for m in recipients],
        kind=kind,
        actor_id=actor.pk if actor else None,
        target_type="post",
        target_id=post.pk,
        key=key,
        scope=f"thread:{thread.pk}",
        group_key=f"{kind}:thread:{thread.pk}",
        excerpt="Use a clicker.",
    )


def test_notify_skips_the_actor_inactive_accounts_and_members_who_turned_the_kind_off(
    member, thread
):
    actor, gone, quiet = UserFactory(), UserFactory(is_active=False), UserFactory()
    services.set_notification_preferences(member=quiet, preferences={"reply": ("never", False)})

    written = tell([member, actor, gone, quiet], thread, actor=actor)

    assert written == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [member.pk]


def test_notify_is_idempotent_on_its_key(member, thread):
    first = tell([member], thread, key="post:1")
    again = tell([member], thread, key="post:1")

    assert (first, again) == (1, 0)
    assert Notification.objects.count() == 1


def test_notify_refuses_an_unknown_kind_and_writes_nothing(member, thread):
    with pytest.raises(ValueError, match="unknown notification kind"):
        tell([member], thread, kind="party")

    assert Notification.objects.count() == 0


def test_a_member_who_wants_email_only_gets_it_but_not_in_the_inbox(member, thread):
    services.set_notification_preferences(
        member=member, preferences={"reply": ("immediately", False)}
    )

    tell([member], thread)

    row = Notification.objects.get()
    assert (row.is_shown, row.email_state) == (False, "pending")
    assert selectors.get_inbox_screen(member=member).rows == []


def test_the_inbox_groups_unread_replies_in_one_thread(member, thread):
    repliers = [UserFactory(display_name=name) for name in ("Ana", "Bo", "Cy", "Di")]
    for index, replier in enumerate(repliers):
        tell([member], thread, actor=replier, key=f"post:{index}")

    screen = selectors.get_inbox_screen(member=member)

    assert [(row.text, row.count, row.is_unread) for row in screen.rows] == [
        ("4 new replies in “Slides for my first talk”", 4, True)
    ]
    assert screen.unread_count == 4


def test_the_inbox_groups_reactions_to_one_post_by_the_people(member, thread):
    post = thread.posts.get(number=1)
    for name in ("Ana", "Bo", "Cy"):
        reactor = UserFactory(display_name=name)
        engagement.add_reaction(member=reactor, post_id=post.pk, kind="like")

    [row] = selectors.get_inbox_screen(member=member).rows

    assert row.text == "Cy and 2 others reacted to your post in “Slides for my first talk”"


def test_a_read_group_is_closed_and_new_ones_start_a_new_line(member, thread):
    tell([member], thread, actor=UserFactory(display_name="Ana"), key="post:1")
    services.mark_all_read(member_id=member.pk)
    tell([member], thread, actor=UserFactory(display_name="Bo"), key="post:2")

    rows = selectors.get_inbox_screen(member=member).rows

    assert [(row.text, row.is_unread) for row in rows] == [
        ("Bo replied in “Slides for my first talk”", True),
        ("Ana replied in “Slides for my first talk”", False),
    ]


def test_a_notification_about_a_thread_the_member_can_no_longer_see_is_hidden_and_marked_read(
    client, member, thread
):
    tell([member], thread, actor=UserFactory())
    Category.objects.filter(pk=thread.category_id).update(access="members")
    member.has_verified_email = False
    member.save(update_fields=["has_verified_email"])
    client.force_login(member)

    page = client.get(reverse("members:notifications"))

    assert page.context["screen"].rows == []
    assert Notification.objects.get().read_at is not None
    assert selectors.unread_count(member=member) == 0


def test_opening_a_notification_marks_its_group_read_and_lands_on_the_post(client, member, thread):
    tell([member], thread, actor=UserFactory(), key="post:1")
    tell([member], thread, actor=UserFactory(), key="post:2")
    client.force_login(member)
    newest = Notification.objects.order_by("-id").first()

    response = client.get(reverse("members:notification-open", args=[newest.pk]))

    assert response.status_code == 302
    assert response["Location"] == thread.posts.get(number=1).get_absolute_url()
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_someone_elses_notification_does_not_open(client, member, thread):
    tell([member], thread, actor=UserFactory())
    client.force_login(UserFactory())

    response = client.get(
        reverse("members:notification-open", args=[Notification.objects.get().pk])
    )

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_reading_the_thread_marks_its_notifications_read(client, member, thread):
    tell([member], thread, actor=UserFactory())
    client.force_login(member)

    client.get(thread.get_absolute_url())

    assert Notification.objects.get().read_at is not None


def test_mark_one_and_mark_all(client, member, thread):
    other = start_thread(member, CategoryFactory(), title="Another thread here")
    tell([member], thread, actor=UserFactory(), key="a")
    tell([member], other, actor=UserFactory(), key="b")
    client.force_login(member)
    first = Notification.objects.get(key="a")

    client.post(reverse("members:notification-read", args=[first.pk]))
    after_one = sorted(
        Notification.objects.filter(read_at__isnull=True).values_list("key", flat=True)
    )
    client.post(reverse("members:notifications-read-all"))

    assert after_one == ["b"]
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_the_unread_count_is_cached_and_forgotten_when_it_changes(member, thread):
    tell([member], thread, actor=UserFactory(), key="a")
    assert selectors.unread_count(member=member) == 1

    with CaptureQueriesContext(connection) as cached:
        selectors.unread_count(member=member)
    tell([member], thread, actor=UserFactory(), key="b")

    assert len(cached.captured_queries) == 0
    assert selectors.unread_count(member=member) == 2


def test_the_poll_answers_304_without_a_query_when_nothing_changed(
    client, member, thread, django_assert_num_queries
):
    tell([member], thread, actor=UserFactory())
    client.force_login(member)
    first = client.get(reverse("members:notification-count"))

    with django_assert_num_queries(0):
        again = client.get(reverse("members:notification-count"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, first.json()) == (200, {"unread": 1})
    assert again.status_code == 304


def test_the_poll_answers_the_new_count_after_a_notification(client, member, thread):
    client.force_login(member)
    first = client.get(reverse("members:notification-count"))
    tell([member], thread, actor=UserFactory())

    again = client.get(reverse("members:notification-count"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert (again.status_code, again.json()) == (200, {"unread": 1})


def test_the_poll_asks_visitors_to_sign_in(client):
    response = client.get(reverse("members:notification-count"))

    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Sign in to see your notifications."},
    )


def test_the_header_bell_shows_the_count(client, member, thread):
    tell([member], thread, actor=UserFactory())
    client.force_login(member)

    page = client.get(reverse("community:latest")).content.decode()

    assert '<span data-bell-number>1</span><span class="visually-hidden"> unread</span>' in page


@pytest.mark.parametrize("size", [1, 500])
def test_inbox_query_count_is_fixed(client, member, thread, size, django_assert_num_queries):
    actors = UserFactory.create_batch(3)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=member,
                kind="reply",
                actor=actors[n % 3],
                target_type="post",
                target_id=thread.posts.get(number=1).pk,
                scope=f"thread:{thread.pk}",
                group_key=f"g{n % 40}",
                group_token=f"t{n % 40}",
                key=f"k{n}",
            )
            for n in range(size)
        ]
    )
    client.force_login(member)
    cache.clear()

    # session, user, groups, their newest notifications with actors, the posts they are
    # about (one query per target type), the unread count, the email banner
    with django_assert_num_queries(7):
        response = client.get(reverse("members:notifications"))

    assert len(response.context["screen"].rows) == min(size, 30)


def test_the_bell_adds_one_query_to_a_page_and_none_when_cached(
    client, member, django_assert_num_queries
):
    CategoryFactory()
    client.force_login(member)
    client.get(reverse("community:latest"))  # warms the session, the bell and the banner
    cache.delete(services.unread_cache_key(member.pk))

    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("community:latest"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("community:latest"))

    cold_sql = [q["sql"] for q in cold.captured_queries]
    warm_sql = [q["sql"] for q in warm.captured_queries]
    assert len(cold_sql) - len(warm_sql) == 1
    assert [sql for sql in cold_sql if sql not in warm_sql] == [
        sql for sql in cold_sql if "members_notification" in sql
    ]
    assert [sql for sql in warm_sql if "members_notification" in sql] == []


def test_posting_a_reply_in_a_watched_thread_lights_the_bell(
    member, django_capture_on_commit_callbacks
):
    thread = start_thread(member, CategoryFactory(), title="Watch this thread please")

    with django_capture_on_commit_callbacks(execute=True):
        posting.reply(author=UserFactory(), thread_id=thread.pk, body="Here I am.")

    assert selectors.unread_count(member=member) == 1
