"""New-member limits (they apply, and lift by themselves) and spam signals that hold a post
for review: invisible to others until approved, its author told it is pending."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import policies
from community.exceptions import NewMemberLimitError
from community.models import BlockedDomain, Category, Post, ReadState, Thread
from community.services import moderation, posting, trust
from members.models import Notification, User
from tests.community.factories import CategoryFactory
from tests.community.steps import opening_post, start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

LINKS = "See https://a.example/1 and https://b.example/2 and https://c.example/3"


@pytest.fixture
def room():
    return CategoryFactory(slug="room", name="Room")


@pytest.fixture
def newbie():
    return UserFactory(handle="newbie", new_member=True)


@pytest.fixture
def thread(room):
    return start_thread(UserFactory(), room, title="Where do I start?")


def test_a_new_member_may_post_only_a_few_links(newbie, thread):
    with pytest.raises(NewMemberLimitError) as refused:
        posting.reply(author=newbie, thread_id=thread.pk, body=LINKS)

    assert "up to 2 links" in refused.value.message
    assert Post.objects.filter(author=newbie).count() == 0


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("![a](https://i.example/a.png) ![b](https://i.example/b.png)", "images"),
        ("@alpha @bravo @charlie look", "mentions"),
    ],
)
def test_a_new_member_may_include_only_a_few_images_and_mentions(newbie, thread, body, what):
    for handle in ("alpha", "bravo", "charlie"):
        UserFactory(handle=handle)

    with pytest.raises(NewMemberLimitError) as refused:
        posting.reply(author=newbie, thread_id=thread.pk, body=body)

    assert what in refused.value.message
    assert Post.objects.filter(author=newbie).count() == 0


def test_a_new_member_may_post_only_so_often_a_day(settings, newbie, thread):
    settings.NEW_MEMBER_POSTS_PER_DAY = 2
    posting.reply(author=newbie, thread_id=thread.pk, body="First")
    posting.reply(author=newbie, thread_id=thread.pk, body="Second")

    with pytest.raises(NewMemberLimitError):
        posting.reply(author=newbie, thread_id=thread.pk, body="Third")

    assert Post.objects.filter(author=newbie).count() == 2


def test_the_limits_lift_by_themselves_after_a_day_and_enough_reading(settings, newbie, thread):
    settings.NEW_MEMBER_MIN_POSTS_READ = 5
    User.objects.filter(pk=newbie.pk).update(date_joined=timezone.now() - timedelta(days=2))
    newbie.refresh_from_db()
    assert trust.is_new_member(newbie) is True  # old enough, but has read nothing
    ReadState.objects.create(member=newbie, thread=thread, last_read_number=5)

    post = posting.reply(author=newbie, thread_id=thread.pk, body=LINKS)

    assert post.status == "published"
    assert User.objects.get(pk=newbie.pk).limits_lifted_at is not None


def test_a_young_account_stays_new_however_much_it_reads(settings, newbie, thread):
    settings.NEW_MEMBER_MIN_POSTS_READ = 1
    ReadState.objects.create(member=newbie, thread=thread, last_read_number=50)

    assert trust.is_new_member(newbie) is True


def test_a_link_to_a_blocked_domain_holds_the_post(member, thread):
    BlockedDomain.objects.create(domain="spam.example")

    post = posting.reply(
        author=member, thread_id=thread.pk, body="Cheap https://www.shop.spam.example/x"
    )

    assert (post.status, post.status_reason) == ("held", "links to spam.example, a blocked domain")


def test_many_links_hold_the_post(settings, member, thread):
    settings.SPAM_HOLD_LINKS = 3

    post = posting.reply(author=member, thread_id=thread.pk, body=LINKS)

    assert post.status == "held"


def test_a_new_members_same_text_in_another_thread_is_held(newbie, room, thread):
    text = "Visit my channel for the best tips ever"
    posting.reply(author=newbie, thread_id=thread.pk, body=text)
    other = start_thread(UserFactory(), room, title="Another question")

    post = posting.reply(author=newbie, thread_id=other.pk, body=text)

    assert post.status == "held"


def test_a_held_post_is_invisible_to_others_and_marked_pending_for_its_author(
    client, member, newbie, room
):
    BlockedDomain.objects.create(domain="spam.example")
    held = start_thread(newbie, room, title="Great offer inside", body="https://spam.example")

    client.force_login(member)
    as_member = client.get(reverse("community:thread", args=[held.pk, "great-offer-inside"]))
    latest_for_member = client.get(reverse("community:latest")).content.decode()
    client.force_login(newbie)
    as_author = client.get(reverse("community:thread", args=[held.pk, "great-offer-inside"]))

    assert as_member.status_code == 404
    assert "Great offer inside" not in latest_for_member
    assert as_author.status_code == 200
    assert "Pending review" in as_author.content.decode()
    assert Category.objects.get(pk=room.pk).thread_count == 0


def test_the_page_tells_the_author_their_post_is_pending(client, room):
    BlockedDomain.objects.create(domain="spam.example")
    author = UserFactory()
    thread = start_thread(UserFactory(), room, title="A question about mics")
    client.force_login(author)

    response = client.post(
        reverse("community:reply", args=[thread.pk]),
        {"body": "Buy at https://spam.example"},
        follow=True,
    )

    assert "Only you and the moderators see this post" in response.content.decode()


def test_approving_a_held_post_publishes_it_and_tells_the_people_it_concerns(
    moderator, room, member, django_capture_on_commit_callbacks
):
    BlockedDomain.objects.create(domain="spam.example")
    UserFactory(handle="friend")
    held = start_thread(
        member, room, title="Honest but odd link", body="@friend see https://spam.example/ok"
    )
    post = opening_post(held)
    assert Notification.objects.filter(kind="mention").count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve_post(moderator=moderator, post_id=post.pk)

    assert Thread.objects.get(pk=held.pk).is_held is False
    assert policies.visible_posts(UserFactory()).filter(pk=post.pk).exists() is True
    assert Category.objects.get(pk=room.pk).thread_count == 1
    assert Notification.objects.filter(kind="mention").count() == 1
