"""Flags, the review queue's actions and the audit log: each action writes exactly one audit
row with before/after, resolves the flags it answers and tells those concerned; a category
moderator's powers stop at their categories."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import policies
from community.exceptions import (
    AlreadyFlaggedError,
    FlagNotAllowedError,
    ModerationError,
    NotAllowedError,
)
from community.models import Category, Flag, ModerationAction, Post, Thread
from community.selectors import moderation as moderation_selectors
from community.services import flags, moderation, posting
from members.exceptions import SuspendedError
from members.models import SUSPENDED_FOR_GOOD, Notification, User
from tests.community.factories import CategoryFactory, CategoryModeratorFactory
from tests.community.steps import opening_post, start_thread
from tests.members.factories import UserFactory

# Counts the notifications moderation sends: the badges a first post earns (and their
# notifications) are loyalty's, tested in tests/members/loyalty.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]


@pytest.fixture
def room():
    return CategoryFactory(slug="room", name="Room")


@pytest.fixture
def author():
    return UserFactory(handle="author")


@pytest.fixture
def reply(author, room):
    thread = start_thread(UserFactory(), room, title="Which mic for talks?")
    return posting.reply(author=author, thread_id=thread.pk, body="Buy my course at once")


def audit_rows():
    return list(ModerationAction.objects.values_list("action", "actor_id", "before", "after"))


# --- Flags ------------------------------------------------------------------------------------


def test_a_member_flags_a_post_once(member, reply):
    flags.flag_post(member=member, post_id=reply.pk, reason="spam")

    with pytest.raises(AlreadyFlaggedError):
        flags.flag_post(member=member, post_id=reply.pk, reason="abusive")

    assert list(Flag.objects.values_list("reporter", "post", "reason", "status")) == [
        (member.pk, reply.pk, "spam", "open")
    ]


def test_other_needs_words_and_nothing_is_written_without_them(member, reply):
    with pytest.raises(FlagNotAllowedError):
        flags.flag_post(member=member, post_id=reply.pk, reason="other", text="  ")

    assert Flag.objects.count() == 0


def test_a_member_cannot_flag_their_own_post(author, reply):
    with pytest.raises(FlagNotAllowedError):
        flags.flag_post(member=author, post_id=reply.pk, reason="spam")

    assert Flag.objects.count() == 0


def test_enough_flags_from_established_members_hide_the_post(settings, reply):
    settings.MODERATION_FLAGS_TO_HIDE = 2
    flags.flag_post(member=UserFactory(), post_id=reply.pk, reason="spam")
    assert Post.objects.get(pk=reply.pk).status == "published"

    flags.flag_post(member=UserFactory(), post_id=reply.pk, reason="spam")

    assert Post.objects.get(pk=reply.pk).status == "hidden"
    assert policies.visible_posts(UserFactory()).filter(pk=reply.pk).exists() is False


def test_flags_from_new_members_do_not_hide_a_post(settings, reply):
    settings.MODERATION_FLAGS_TO_HIDE = 2

    for _ in range(3):
        flags.flag_post(member=UserFactory(new_member=True), post_id=reply.pk, reason="spam")

    assert Post.objects.get(pk=reply.pk).status == "published"
    assert Flag.objects.filter(status="open").count() == 3


def test_a_thread_and_a_profile_are_flagged_once_each(member, author, room):
    thread = start_thread(author, room, title="Free followers here")

    flags.flag_thread(member=member, thread_id=thread.pk, reason="spam")
    flags.flag_profile(member=member, member_id=author.pk, reason="other", text="Bot")
    with pytest.raises(AlreadyFlaggedError):
        flags.flag_profile(member=member, member_id=author.pk, reason="spam")

    assert Flag.objects.filter(thread=thread).count() == 1
    assert list(Flag.objects.filter(member=author).values_list("text", flat=True)) == ["Bot"]


# --- Actions: one audit row each ---------------------------------------------------------------


def test_hiding_a_flagged_post_acts_on_the_flags_and_tells_flagger_and_author(
    moderator, member, author, reply
):
    flags.flag_post(member=member, post_id=reply.pk, reason="spam")

    moderation.hide_post(moderator=moderator, post_id=reply.pk, reason="Advertising")

    assert Post.objects.get(pk=reply.pk).status == "hidden"
    assert audit_rows() == [
        ("hide_post", moderator.pk, {"status": "published"}, {"status": "hidden"})
    ]
    assert Flag.objects.get().status == "upheld"
    told = Notification.objects.filter(kind__in=["flag_outcome", "moderation_notice"])
    assert sorted(told.values_list("recipient", "kind")) == sorted(
        [(member.pk, "flag_outcome"), (author.pk, "moderation_notice")]
    )


def test_approving_a_flagged_post_dismisses_its_flags(moderator, member, reply):
    flags.flag_post(member=member, post_id=reply.pk, reason="off_topic")

    moderation.approve_post(moderator=moderator, post_id=reply.pk)

    assert Flag.objects.get().status == "dismissed"
    assert audit_rows() == [
        ("approve_post", moderator.pk, {"status": "published"}, {"status": "published"})
    ]


def test_approving_a_post_with_nothing_to_review_is_refused(moderator, reply):
    with pytest.raises(ModerationError):
        moderation.approve_post(moderator=moderator, post_id=reply.pk)

    assert ModerationAction.objects.count() == 0


def test_a_moderators_delete_is_audited_and_restore_undoes_it(moderator, reply):
    moderation.delete_flagged_post(moderator=moderator, post_id=reply.pk, reason="Spam")
    moderation.restore_post(moderator=moderator, post_id=reply.pk, reason="Mistake")

    assert Post.objects.get(pk=reply.pk).is_deleted is False
    assert audit_rows() == [
        ("restore_post", moderator.pk, {"is_deleted": True}, {"is_deleted": False}),
        ("delete_post", moderator.pk, {"is_deleted": False}, {"is_deleted": True}),
    ]


def test_an_authors_own_delete_writes_no_audit_row(author, reply):
    posting.delete_post(actor=author, post_id=reply.pk)

    assert ModerationAction.objects.count() == 0


def test_a_moderators_edit_keeps_before_and_after(moderator, reply):
    posting.edit_post(editor=moderator, post_id=reply.pk, body="[removed link]")

    assert audit_rows() == [
        (
            "edit_post",
            moderator.pk,
            {"source": "Buy my course at once"},
            {"source": "[removed link]"},
        )
    ]


def test_moving_a_thread_updates_both_categories_counts(moderator, room, author):
    thread = start_thread(author, room, title="Off-topic question here")
    other = CategoryFactory(slug="other", name="Other")

    moderation.move_thread(moderator=moderator, thread_id=thread.pk, category_id=other.pk)

    assert Thread.objects.get(pk=thread.pk).category_id == other.pk
    assert dict(Category.objects.values_list("slug", "thread_count")) == {"room": 0, "other": 1}
    assert audit_rows() == [
        ("move_thread", moderator.pk, {"category": "room"}, {"category": "other"})
    ]


def test_merging_appends_the_posts_and_keeps_the_emptied_thread_as_a_tombstone(
    moderator, room, author
):
    into = start_thread(author, room, title="How do I record a talk")
    posting.reply(author=UserFactory(), thread_id=into.pk, body="Use OBS.")
    duplicate = start_thread(UserFactory(), room, title="Recording talks at home")

    moderation.merge_threads(moderator=moderator, thread_id=duplicate.pk, into_thread_id=into.pk)

    assert list(Post.objects.filter(thread=into).order_by("number").values_list("number")) == [
        (1,),
        (2,),
        (3,),
    ]
    assert Thread.objects.get(pk=duplicate.pk).merged_into_id == into.pk
    assert policies.visible_threads(moderator).filter(pk=duplicate.pk).exists() is False
    assert Thread.objects.get(pk=into.pk).post_count == 3
    assert [row[0] for row in audit_rows()] == ["merge_threads"]


def test_a_warning_is_a_private_notice_with_the_reason(moderator, author):
    moderation.warn_member(moderator=moderator, member_id=author.pk, reason="Be kind.")

    notice = Notification.objects.get(recipient=author)
    assert (notice.kind, notice.target_type) == ("moderation_notice", "moderation")
    assert moderation_selectors.get_notices_screen(member=author).notices[0].text == (
        "A moderator warned you: Be kind."
    )
    assert [row[0] for row in audit_rows()] == ["warn"]


def test_a_suspension_for_good_and_its_lifting_are_audited(moderator, author):
    moderation.suspend_member(moderator=moderator, member_id=author.pk, reason="Spam", until=None)
    assert User.objects.get(pk=author.pk).suspended_until == SUSPENDED_FOR_GOOD

    moderation.unsuspend_member(moderator=moderator, member_id=author.pk, reason="Appeal")

    assert User.objects.get(pk=author.pk).is_suspended is False
    assert [row[0] for row in audit_rows()] == ["unsuspend", "suspend"]


def test_a_moderator_cannot_suspend_another_moderator_but_staff_can(moderator, staff):
    other = UserFactory(is_moderator=True)

    with pytest.raises(NotAllowedError):
        moderation.suspend_member(moderator=moderator, member_id=other.pk, reason="x", until=None)
    moderation.suspend_member(moderator=staff, member_id=other.pk, reason="x", until=None)

    assert [row[:2] for row in audit_rows()] == [("suspend", staff.pk)]


# --- Category scope ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda m, post: moderation.hide_post(moderator=m, post_id=post.pk),
        lambda m, post: moderation.delete_flagged_post(moderator=m, post_id=post.pk),
        lambda m, post: posting.edit_post(editor=m, post_id=post.pk, body="Changed"),
        lambda m, post: moderation.move_thread(
            moderator=m, thread_id=post.thread_id, category_id=CategoryFactory().pk
        ),
        lambda m, post: moderation.warn_member(
            moderator=m, member_id=post.author_id, reason="No", post_id=post.pk
        ),
        lambda m, post: moderation.suspend_member(
            moderator=m, member_id=post.author_id, reason="No", until=None
        ),
    ],
    ids=["hide", "delete", "edit", "move", "warn", "suspend"],
)
def test_a_category_moderator_cannot_act_outside_their_categories(category_moderator, reply, act):
    CategoryModeratorFactory(member=category_moderator, category=CategoryFactory())
    moderator = User.objects.get(pk=category_moderator.pk)
    before = Post.objects.values_list("status", "is_deleted", "source").get(pk=reply.pk)

    with pytest.raises((NotAllowedError, Post.DoesNotExist)):
        act(moderator, reply)

    assert Post.objects.values_list("status", "is_deleted", "source").get(pk=reply.pk) == before
    assert ModerationAction.objects.count() == 0


def test_a_category_moderator_hides_in_their_category(category_moderator, room, reply):
    CategoryModeratorFactory(member=category_moderator, category=room)
    moderator = User.objects.get(pk=category_moderator.pk)

    moderation.hide_post(moderator=moderator, post_id=reply.pk)

    assert [row[:2] for row in audit_rows()] == [("hide_post", moderator.pk)]


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_shows_only_the_moderators_categories(category_moderator, room, member):
    CategoryModeratorFactory(member=category_moderator, category=room)
    mine = start_thread(UserFactory(), room, title="Flag me in my room")
    theirs = start_thread(UserFactory(), CategoryFactory(), title="Flag me elsewhere")
    for thread in (mine, theirs):
        flags.flag_post(member=member, post_id=opening_post(thread).pk, reason="spam")
    moderator = User.objects.get(pk=category_moderator.pk)

    screen = moderation_selectors.get_review_queue_screen(viewer=moderator)

    assert [item.title for item in screen.items] == ["#1 in “Flag me in my room”"]


@pytest.mark.parametrize("count", [1, 6])
def test_the_queue_costs_the_same_for_1_and_6_items(
    moderator, member, room, django_assert_num_queries, count
):
    for index in range(count):
        thread = start_thread(UserFactory(), room, title=f"Spam thread number {index}")
        flags.flag_post(member=member, post_id=opening_post(thread).pk, reason="spam")
        flags.flag_thread(member=member, thread_id=thread.pk, reason="spam")
        flags.flag_profile(member=member, member_id=thread.author_id, reason="spam")

    with django_assert_num_queries(
        7
    ):  # posts, threads, profiles, flags, counts, history, categories
        screen = moderation_selectors.get_review_queue_screen(viewer=moderator)

    assert len(screen.items) == 3 * count


def test_the_suspension_ends_on_time_without_anyone_acting(monkeypatch, suspended, reply):
    with pytest.raises(SuspendedError):
        posting.reply(author=suspended, thread_id=reply.thread_id, body="Still here?")
    later = timezone.now() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    post = posting.reply(author=suspended, thread_id=reply.thread_id, body="Back again.")

    assert User.objects.get(pk=suspended.pk).is_suspended is False
    assert Post.objects.filter(thread_id=reply.thread_id, author=suspended).get() == post
