"""The forum hands its activity to the loyalty ledger: posts, likes and accepted answers
earn points; removing a like, unaccepting or deleting a post gives them back; one's own
acts never score; tier-only categories open and close with the tier."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community import policies
from community.exceptions import ReactionNotAllowedError
from community.services import engagement, posting
from members.loyalty import ledger, periods, tiers
from members.loyalty.models import Activity, MemberPoints, PointRule
from members.models import User
from tests.community.factories import CategoryFactory
from tests.community.steps import opening_post
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    return MemberPoints.objects.get(member=member).balance


def ledger_of(member) -> list[tuple[str, int]]:
    return list(Activity.objects.filter(member=member).order_by("pk").values_list("verb", "points"))


def test_starting_a_thread_and_replying_earn_their_points(question, asker, helper):
    posting.reply(author=helper, thread_id=question.pk, body="Use acks_late carefully.")

    assert ledger_of(asker) == [("thread_started", 5)]
    assert ledger_of(helper) == [("reply_posted", 2)]


def test_a_like_scores_for_the_author_and_unliking_reverses_it(question, asker, helper):
    post = opening_post(question)

    engagement.add_reaction(member=helper, post_id=post.pk, kind="like")
    liked = balance(asker)
    engagement.remove_reaction(member=helper, post_id=post.pk, kind="like")

    assert liked == 15
    assert balance(asker) == 5
    assert ledger_of(asker) == [
        ("thread_started", 5),
        ("like_received", 10),
        ("like_received", -10),
    ]


def test_other_reactions_earn_nothing(question, asker, helper):
    engagement.add_reaction(member=helper, post_id=opening_post(question).pk, kind="thanks")

    assert ledger_of(asker) == [("thread_started", 5)]


def test_liking_ones_own_post_scores_nothing(question, asker):
    with pytest.raises(ReactionNotAllowedError):
        engagement.add_reaction(member=asker, post_id=opening_post(question).pk, kind="like")

    assert ledger_of(asker) == [("thread_started", 5)]


def test_likes_beyond_the_pair_cap_add_no_points(question, asker):
    PointRule.objects.filter(verb="like_received").update(weekly_cap_per_giver=20)
    ring = UserFactory()
    posts = [
        posting.reply(author=asker, thread_id=question.pk, body=f"More detail {n}")
        for n in range(3)
    ]

    for post in posts:
        engagement.add_reaction(member=ring, post_id=post.pk, kind="like")

    likes = [p for verb, p in ledger_of(asker) if verb == "like_received"]
    assert likes == [10, 10, 0]


def test_deleting_a_liked_post_reverses_its_points_and_its_likes(question, asker, helper):
    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")
    before = balance(helper)

    posting.delete_post(actor=helper, post_id=answer.pk)

    assert before == 12
    assert balance(helper) == 0
    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
    ]


def test_an_accepted_answer_scores_and_unaccepting_reverses_it(question, asker, helper):
    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")

    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)
    accepted = balance(helper)
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)
    posting.unaccept_answer(actor=asker, thread_id=question.pk)

    assert accepted == 27
    assert balance(helper) == 2
    assert [p for v, p in ledger_of(helper) if v == "answer_accepted"] == [25, -25]


def test_accepting_another_answer_moves_the_points(question, asker, helper):
    first = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    other = UserFactory()
    second = posting.reply(author=other, thread_id=question.pk, body="acks_late + a ledger.")
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=first.pk)

    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=second.pk)

    assert balance(helper) == 2
    assert balance(other) == 27


def test_deleting_the_accepted_answer_takes_back_its_points(question, asker, helper):
    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)

    posting.delete_post(actor=helper, post_id=answer.pk)

    assert balance(helper) == 0


def test_accepting_ones_own_reply_scores_nothing_for_the_acceptance(question, asker):
    own = posting.reply(author=asker, thread_id=question.pk, body="Found it myself.")

    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=own.pk)

    assert [v for v, _ in ledger_of(asker)] == ["thread_started", "reply_posted"]


def test_a_tier_only_category_opens_and_closes_with_the_tier(member):
    champion = TierFactory(slug="champion", rank=2, points_threshold=100)
    room = CategoryFactory(slug="champions", access="tier", minimum_tier=champion)
    ledger.record(member_id=member.pk, verb="moderator_award", key="a", points=100)
    opened = policies.can_view_category(User.objects.get(pk=member.pk), room)
    now = periods.now()
    ledger.reverse(key="a")  # warned now, demoted 14 days later

    tiers.refresh_tier(member_id=member.pk, now=now + timedelta(days=14, minutes=1))

    assert opened is True
    after = User.objects.get(pk=member.pk)
    assert after.tier_id is None
    assert policies.can_view_category(after, room) is False
    assert list(policies.visible_categories(after).filter(pk=room.pk)) == []


def test_restoring_a_deleted_post_earns_its_points_and_likes_again(
    question, asker, helper, moderator
):
    from community.services import moderation

    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")
    posting.delete_post(actor=helper, post_id=answer.pk)

    moderation.restore_post(moderator=moderator, post_id=answer.pk, reason="Deleted by mistake")

    assert balance(helper) == 12
    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
        ("reply_posted", 2),
        ("like_received", 10),
    ]


def test_hiding_a_post_takes_back_its_points_and_its_likes(question, asker, helper, moderator):
    from community.services import moderation

    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")

    moderation.hide_post(moderator=moderator, post_id=answer.pk, reason="Off topic")

    assert balance(helper) == 0
    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
    ]
    reversals = Activity.objects.filter(member=helper, points__lt=0)
    assert set(reversals.values_list("reason", "actor_id")) == {("Post hidden", moderator.pk)}


def test_approving_a_hidden_post_gives_its_points_back_once(question, asker, helper, moderator):
    from community.exceptions import ModerationError
    from community.services import moderation

    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")
    moderation.hide_post(moderator=moderator, post_id=answer.pk)

    moderation.approve_post(moderator=moderator, post_id=answer.pk, reason="Fine after all")
    with pytest.raises(ModerationError):
        moderation.approve_post(moderator=moderator, post_id=answer.pk)

    assert balance(helper) == 12
    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
        ("reply_posted", 2),
        ("like_received", 10),
    ]


def test_a_hidden_post_deleted_and_restored_earns_again_only_when_approved(
    question, asker, helper, moderator
):
    from community.services import moderation

    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    engagement.add_reaction(member=asker, post_id=answer.pk, kind="like")
    moderation.hide_post(moderator=moderator, post_id=answer.pk)
    posting.delete_post(actor=helper, post_id=answer.pk)

    moderation.restore_post(moderator=moderator, post_id=answer.pk)
    assert balance(helper) == 0  # still hidden: nothing given back yet
    assert len(ledger_of(helper)) == 4

    moderation.approve_post(moderator=moderator, post_id=answer.pk)
    moderation.hide_post(moderator=moderator, post_id=answer.pk)
    moderation.approve_post(moderator=moderator, post_id=answer.pk)

    assert balance(helper) == 12
    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
        ("reply_posted", 2),
        ("like_received", 10),
        ("reply_posted", -2),
        ("like_received", -10),
        ("reply_posted", 2),
        ("like_received", 10),
    ]


def test_hiding_the_accepted_answer_keeps_the_acceptance_points(question, asker, helper, moderator):
    from community.services import moderation

    answer = posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)

    moderation.hide_post(moderator=moderator, post_id=answer.pk)

    assert ledger_of(helper) == [
        ("reply_posted", 2),
        ("answer_accepted", 25),
        ("reply_posted", -2),
    ]


def test_a_thread_page_marks_each_author_with_their_three_highest_badges(
    question, asker, helper, django_assert_num_queries
):
    from community.selectors import get_thread_screen
    from members.loyalty.marks import notable_badges
    from members.loyalty.models import Badge, BadgeAward

    posting.reply(author=helper, thread_id=question.pk, body="Idempotent tasks.")
    for slug in ["thank-you", "helpful", "guru", "trusted-answerer", "community-hero"]:
        BadgeAward.objects.get_or_create(member=helper, badge=Badge.objects.get(slug=slug))
    Badge.objects.filter(slug="community-hero").update(is_active=False)  # retired: not shown

    screen = get_thread_screen(viewer=asker, thread_id=question.pk, page=1)
    with django_assert_num_queries(1):
        marks = notable_badges([asker.pk, helper.pk, asker.pk])

    shown = {row.post.author_id: [(m.slug, m.title) for m in row.badges] for row in screen.rows}
    assert shown == {
        asker.pk: [("first-post", "First post badge")],
        helper.pk: [
            ("guru", "Guru badge (gold)"),
            ("trusted-answerer", "Trusted answerer badge (silver)"),
            ("helpful", "Helpful badge (bronze)"),
        ],
    }
    assert marks[helper.pk] == screen.rows[1].badges
