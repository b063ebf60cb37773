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
    newcomer = UserFactory(email_address__verified=False)

    with pytest.raises(PostingNotAllowedError, match="Verify your email"):
        posting.create_thread(
            author=newcomer, category_id=category.pk, title="Hello there", body="Hi"
        )

    assert Thread.objects.count() == 0


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


def test_locked_thread_takes_no_replies_except_from_moderators(question, staff):
    posting.set_thread_state(moderator=staff, thread_id=question.pk, is_locked=True)

    with pytest.raises(ThreadLockedError):
        posting.reply(author=UserFactory(), thread_id=question.pk, body="Late answer")
    moderator_note = posting.reply(author=staff, thread_id=question.pk, body="Locked: solved.")

    assert moderator_note.number == 2


def test_mentions_link_existing_members_and_are_recorded(question):
    UserFactory(handle="Ada")
    writer = UserFactory(handle="writer")

    post = posting.reply(
        author=writer,
        thread_id=question.pk,
        body="@ada and @nobody_here, see `@ada` in code. Also me: @writer",
    )

    assert '<a href="/u/Ada/" class="mention" rel="nofollow ugc noopener">@ada</a>' in post.html
    assert "@nobody_here" in post.html
    assert list(Mention.objects.filter(post=post).values_list("member__handle", flat=True)) == [
        "Ada"
    ]


def test_editing_keeps_the_previous_version(question, member):
    opening = Post.objects.get(thread=question, number=1)

    posting.edit_post(editor=member, post_id=opening.pk, body="It runs twice after *every* deploy.")

    opening.refresh_from_db()
    assert opening.edit_count == 1
    assert "<em>every</em>" in opening.html
    revision = PostRevision.objects.get(post=opening)
    assert revision.source == "It runs twice after a deploy."
    assert revision.edited_by == member


def test_only_the_author_or_a_moderator_edits(question, staff):
    opening = Post.objects.get(thread=question, number=1)

    with pytest.raises(NotAllowedError):
        posting.edit_post(editor=UserFactory(), post_id=opening.pk, body="Vandalism")
    posting.edit_post(editor=staff, post_id=opening.pk, body="Tidied by a moderator")

    assert Post.objects.get(pk=opening.pk).source == "Tidied by a moderator"


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


def test_only_the_asker_or_a_moderator_accepts_an_answer(question, member, staff):
    helper, bystander = UserFactory(), UserFactory()
    first = posting.reply(author=helper, thread_id=question.pk, body="Answer one")
    second = posting.reply(author=bystander, thread_id=question.pk, body="Answer two")

    with pytest.raises(NotAllowedError):
        posting.accept_answer(actor=bystander, thread_id=question.pk, post_id=second.pk)
    posting.accept_answer(actor=member, thread_id=question.pk, post_id=first.pk)
    posting.accept_answer(actor=staff, thread_id=question.pk, post_id=second.pk)

    question.refresh_from_db()
    assert question.solution == second  # one accepted answer at a time
    assert question.is_solved is True


@pytest.mark.parametrize("which", ["question", "discussion"])
def test_the_question_itself_or_a_discussion_cannot_have_an_accepted_answer(
    member, category, which
):
    thread = posting.create_thread(
        author=member, category_id=category.pk, kind=which, title="Something to ask", body="?"
    )
    reply = posting.reply(author=UserFactory(), thread_id=thread.pk, body="!")
    opening = Post.objects.get(thread=thread, number=1)

    expected = AnswerNotAcceptableError if which == "question" else NotAllowedError
    target = opening if which == "question" else reply
    with pytest.raises(expected):
        posting.accept_answer(actor=member, thread_id=thread.pk, post_id=target.pk)

    assert Thread.objects.get(pk=thread.pk).solution is None


def test_nul_characters_are_stripped_not_stored(question):
    post = posting.reply(author=UserFactory(), thread_id=question.pk, body="a\x00b")

    assert post.source == "ab"


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
