"""Starting threads, replying, editing, deleting, accepting answers."""

import pytest

from community.exceptions import (
    AnswerNotAcceptableError,
    InvalidPostError,
    NotAllowedError,
    PostingNotAllowedError,
    ThreadLockedError,
)
from community.models import Category, Mention, Post, PostRevision, Subscription, Thread
from community.services import posting
from core.models import Topic
from members.exceptions import SuspendedError
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(slug="help", name="Help")


@pytest.fixture
def question(member, category):
    return posting.create_thread(
        author=member,
        category_id=category.pk,
        kind="question",
        title="Why is my Celery task running twice?",
        body="It runs twice after a deploy.",
    )


def test_new_thread_has_its_opening_post_and_the_author_watches_it(member, category):
    thread = posting.create_thread(
        author=member,
        category_id=category.pk,
        title="Sharing my first conference talk",
        body="Slides: **here**",
        topics=Topic.objects.filter(slug="public-speaking"),
    )

    opening = Post.objects.get(thread=thread)
    assert (opening.number, opening.source) == (1, "Slides: **here**")
    assert opening.html == "<p>Slides: <strong>here</strong></p>\n"
    assert thread.post_count == 1
    assert list(thread.topics.values_list("slug", flat=True)) == ["public-speaking"]
    assert Subscription.objects.filter(member=member, thread=thread).exists()
    assert Category.objects.get(pk=category.pk).thread_count == 1


def test_unverified_member_cannot_post(category):
    newcomer = UserFactory(unverified=True)

    with pytest.raises(PostingNotAllowedError, match="Verify your email"):
        posting.create_thread(
            author=newcomer, category_id=category.pk, title="Hello there", body="Hi"
        )

    assert Thread.objects.count() == 0


def test_suspended_member_cannot_start_a_thread_or_reply(category, question, suspended):
    with pytest.raises(SuspendedError):
        posting.create_thread(
            author=suspended, category_id=category.pk, title="Hello there", body="Hi"
        )
    with pytest.raises(SuspendedError):
        posting.reply(author=suspended, thread_id=question.pk, body="Still here")

    assert Thread.objects.count() == 1
    assert Post.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("A fine title", "   \n\t ", "body", "Write something before posting."),
        ("A fine title", "x" * 50_001, "body", "Posts are limited to 50,000 characters"),
        ("Hey", "Body", "title", "Give the thread a title of at least 5 characters."),
    ],
)
def test_bad_thread_input_is_refused_with_a_field_message(
    member, category, title, body, field, message
):
    with pytest.raises(InvalidPostError, match=message) as error:
        posting.create_thread(author=member, category_id=category.pk, title=title, body=body)

    assert error.value.field == field
    assert Thread.objects.count() == 0


def test_member_below_the_tier_cannot_post_in_a_tier_only_category(member):
    vip_room = CategoryFactory(access=Category.Access.TIER, minimum_tier=TierFactory(rank=5))

    with pytest.raises(Category.DoesNotExist):
        posting.create_thread(
            author=member, category_id=vip_room.pk, title="Sneaking in here", body="Hi"
        )

    assert Thread.objects.count() == 0


def test_replies_are_numbered_and_update_the_thread(question):
    first, second = UserFactory(), UserFactory()

    a = posting.reply(author=first, thread_id=question.pk, body="Check acks_late.")
    b = posting.reply(author=second, thread_id=question.pk, body="And the visibility timeout.")

    question.refresh_from_db()
    assert (a.number, b.number) == (2, 3)
    assert question.post_count == 3
    assert question.reply_count == 2
    assert question.last_poster == second
    assert question.last_activity_at == b.created_at
    assert Subscription.objects.filter(thread=question, member=first).exists()


def test_the_same_reply_twice_in_a_row_is_refused(question):
    helper = UserFactory()
    posting.reply(author=helper, thread_id=question.pk, body="Use a lock.")

    with pytest.raises(InvalidPostError, match="You just posted exactly this"):
        posting.reply(author=helper, thread_id=question.pk, body="  Use a lock.  ")

    assert Post.objects.filter(thread=question).count() == 2


def test_locked_thread_takes_no_replies_from_members(question, moderator):
    posting.set_thread_state(moderator=moderator, thread_id=question.pk, is_locked=True)

    with pytest.raises(ThreadLockedError):
        posting.reply(author=UserFactory(), thread_id=question.pk, body="Late answer")

    assert Post.objects.filter(thread=question).count() == 1
    assert Thread.objects.get(pk=question.pk).post_count == 1


def test_moderator_replies_in_a_locked_thread(question, moderator):
    posting.set_thread_state(moderator=moderator, thread_id=question.pk, is_locked=True)

    note = posting.reply(author=moderator, thread_id=question.pk, body="Locked: solved.")

    assert note.number == 2
    assert Thread.objects.get(pk=question.pk).post_count == 2


def test_mentions_link_existing_members_and_are_recorded(question):
    UserFactory(handle="Ada")
    writer = UserFactory(handle="writer")

    post = posting.reply(
        author=writer,
        thread_id=question.pk,
        body="@ada and @nobody_here, see `@ada` in code. Also me: @writer",
    )

    assert post.html == (
        '<p><a href="/u/Ada/" class="mention" rel="nofollow ugc noopener">@ada</a> and '
        "@nobody_here, see <code>@ada</code> in code. Also me: "
        '<a href="/u/writer/" class="mention" rel="nofollow ugc noopener">@writer</a></p>\n'
    )
    assert list(Mention.objects.filter(post=post).values_list("member__handle", flat=True)) == [
        "Ada"
    ]


def test_editing_keeps_the_previous_version(question, member):
    opening = Post.objects.get(thread=question, number=1)

    posting.edit_post(editor=member, post_id=opening.pk, body="It runs twice after *every* deploy.")

    opening.refresh_from_db()
    assert opening.edit_count == 1
    assert opening.html == "<p>It runs twice after <em>every</em> deploy.</p>\n"
    revision = PostRevision.objects.get(post=opening)
    assert revision.source == "It runs twice after a deploy."
    assert revision.edited_by == member


def test_a_member_cannot_edit_someone_elses_post(question):
    opening = Post.objects.get(thread=question, number=1)

    with pytest.raises(NotAllowedError):
        posting.edit_post(editor=UserFactory(), post_id=opening.pk, body="Vandalism")

    opening.refresh_from_db()
    assert (opening.source, opening.edit_count) == ("It runs twice after a deploy.", 0)
    assert PostRevision.objects.count() == 0


def test_a_moderator_edits_someone_elses_post(question, moderator):
    opening = Post.objects.get(thread=question, number=1)

    posting.edit_post(editor=moderator, post_id=opening.pk, body="Tidied by a moderator")

    assert Post.objects.get(pk=opening.pk).source == "Tidied by a moderator"
    assert PostRevision.objects.get(post=opening).edited_by == moderator


def test_soft_deleted_post_stays_in_place_and_stops_being_the_answer(question, member):
    helper = UserFactory()
    answer = posting.reply(author=helper, thread_id=question.pk, body="Try this")
    posting.accept_answer(actor=member, thread_id=question.pk, post_id=answer.pk)

    posting.delete_post(actor=helper, post_id=answer.pk)

    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.is_deleted is True
    assert answer.source == "Try this"  # kept for moderators' history
    assert question.solution is None
    assert Post.objects.filter(thread=question).count() == 2


def test_a_member_who_did_not_ask_cannot_accept_an_answer(question):
    bystander = UserFactory()
    answer = posting.reply(author=bystander, thread_id=question.pk, body="Answer two")

    with pytest.raises(NotAllowedError):
        posting.accept_answer(actor=bystander, thread_id=question.pk, post_id=answer.pk)

    assert Thread.objects.get(pk=question.pk).solution is None


def test_the_asker_accepts_and_a_moderator_changes_the_one_accepted_answer(
    question, member, moderator
):
    first = posting.reply(author=UserFactory(), thread_id=question.pk, body="Answer one")
    second = posting.reply(author=UserFactory(), thread_id=question.pk, body="Answer two")
    posting.accept_answer(actor=member, thread_id=question.pk, post_id=first.pk)

    posting.accept_answer(actor=moderator, thread_id=question.pk, post_id=second.pk)

    question.refresh_from_db()
    assert question.solution == second  # one accepted answer at a time
    assert question.is_solved is True


@pytest.mark.parametrize(
    ("kind", "target_number", "error"),
    [("question", 1, AnswerNotAcceptableError), ("discussion", 2, NotAllowedError)],
    ids=["the-question-itself", "a-reply-in-a-discussion"],
)
def test_the_question_itself_or_a_discussion_cannot_have_an_accepted_answer(
    member, category, kind, target_number, error
):
    thread = posting.create_thread(
        author=member, category_id=category.pk, kind=kind, title="Something to ask", body="?"
    )
    posting.reply(author=UserFactory(), thread_id=thread.pk, body="!")
    target = Post.objects.get(thread=thread, number=target_number)

    with pytest.raises(error):
        posting.accept_answer(actor=member, thread_id=thread.pk, post_id=target.pk)

    assert Thread.objects.get(pk=thread.pk).solution is None


def test_nul_characters_are_stripped_not_stored(question):
    post = posting.reply(author=UserFactory(), thread_id=question.pk, body="a\x00b")

    assert Post.objects.get(pk=post.pk).source == "ab"


def test_a_member_with_a_tier_accepts_and_edits_in_a_tier_category():
    # The access filter joins the (nullable) tier: PostgreSQL refuses FOR UPDATE across it
    # unless only the thread row is locked.
    tier = TierFactory(rank=2)
    asker = UserFactory(tier=tier)
    room = CategoryFactory(access=Category.Access.TIER, minimum_tier=tier)
    thread = posting.create_thread(
        author=asker,
        category_id=room.pk,
        kind="question",
        title="VIP-only question",
        body="?",
    )
    answer = posting.reply(author=UserFactory(tier=tier), thread_id=thread.pk, body="Yes")

    posting.accept_answer(actor=asker, thread_id=thread.pk, post_id=answer.pk)
    posting.edit_thread(editor=asker, thread_id=thread.pk, title="VIP-only question, solved")

    thread.refresh_from_db()
    assert (thread.solution_id, thread.title) == (answer.pk, "VIP-only question, solved")
