"""The activity ledger: recording, caps against farming, reversals, append-only rows."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from members.loyalty import ledger
from members.loyalty.models import Activity, MemberPoints, MemberVerbTotal, PointRule
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    return MemberPoints.objects.get(member=member).balance


def total(member, verb: str) -> tuple[int, int]:
    row = MemberVerbTotal.objects.get(member=member, verb=verb)
    return row.count, row.points


def like(member, actor, n: int) -> Activity | None:
    return ledger.record(
        member_id=member.pk,
        verb="like_received",
        key=f"test-like:{member.pk}:{actor.pk}:{n}",
        subject_type="post",
        subject_id=n,
        actor_id=actor.pk,
    )


def test_record_scores_the_rule_points_and_moves_the_summaries(member):
    activity = ledger.record(
        member_id=member.pk, verb="thread_started", key="t:1", subject_type="post", subject_id=7
    )

    assert (activity.points, activity.rule_points, activity.verb) == (5, 5, "thread_started")
    assert balance(member) == 5
    assert total(member, "thread_started") == (1, 5)


def test_recording_a_key_twice_returns_the_first_row_and_scores_once(member):
    first = ledger.record(member_id=member.pk, verb="reply_posted", key="r:1")

    second = ledger.record(member_id=member.pk, verb="reply_posted", key="r:1")

    assert second.pk == first.pk
    assert Activity.objects.filter(member=member).count() == 1
    assert balance(member) == 2


def test_own_actions_never_score(member):
    result = ledger.record(member_id=member.pk, verb="like_received", key="own", actor_id=member.pk)

    assert result is None
    assert Activity.objects.count() == 0
    assert MemberPoints.objects.filter(member=member).exists() is False


def test_unknown_verb_is_refused_and_writes_nothing(member):
    with pytest.raises(ledger.UnknownVerbError):
        ledger.record(member_id=member.pk, verb="sneezed", key="s:1")

    assert Activity.objects.count() == 0


def test_likes_beyond_the_daily_cap_are_recorded_with_no_points(member):
    PointRule.objects.filter(verb="like_received").update(daily_cap=30, weekly_cap_per_giver=None)
    givers = UserFactory.create_batch(4)

    rows = [like(member, giver, n) for n, giver in enumerate(givers)]

    assert [row.points for row in rows] == [10, 10, 10, 0]
    assert [row.was_capped for row in rows] == [False, False, False, True]
    assert balance(member) == 30
    assert total(member, "like_received") == (4, 30)


def test_a_partial_cap_awards_only_the_rest(member):
    PointRule.objects.filter(verb="like_received").update(daily_cap=25, weekly_cap_per_giver=None)
    givers = UserFactory.create_batch(3)

    rows = [like(member, giver, n) for n, giver in enumerate(givers)]

    assert [row.points for row in rows] == [10, 10, 5]


def test_likes_from_one_member_beyond_the_pair_cap_add_nothing_but_others_still_score(member):
    PointRule.objects.filter(verb="like_received").update(daily_cap=None, weekly_cap_per_giver=30)
    ring, stranger = UserFactory(), UserFactory()

    from_ring = [like(member, ring, n) for n in range(5)]
    from_stranger = like(member, stranger, 99)

    assert [row.points for row in from_ring] == [10, 10, 10, 0, 0]
    assert from_stranger.points == 10
    assert balance(member) == 40


def test_the_pair_cap_frees_up_after_seven_days(member):
    PointRule.objects.filter(verb="like_received").update(daily_cap=None, weekly_cap_per_giver=10)
    ring = UserFactory()
    old = ledger.periods.now() - timedelta(days=8)
    ledger.record(
        member_id=member.pk,
        verb="like_received",
        key="old",
        actor_id=ring.pk,
        occurred_at=old,
    )

    fresh = like(member, ring, 1)

    assert fresh.points == 10


def test_an_inactive_rule_records_the_activity_with_no_points(member):
    PointRule.objects.filter(verb="reply_posted").update(is_active=False)

    row = ledger.record(member_id=member.pk, verb="reply_posted", key="r")

    assert (row.points, row.rule_points) == (0, 0)
    assert total(member, "reply_posted") == (1, 0)


def test_explicit_points_replace_the_rule_points(member, moderator):
    row = ledger.record(
        member_id=member.pk,
        verb="moderator_award",
        key="award:1",
        actor_id=moderator.pk,
        points=40,
        reason="Great write-up",
    )

    assert (row.points, row.reason, row.actor_id) == (40, "Great write-up", moderator.pk)
    assert balance(member) == 40


def test_reverse_writes_a_negating_row_on_the_original_date(member):
    giver = UserFactory()
    original = like(member, giver, 1)

    reversal = ledger.reverse(key=original.key, reason="unliked")

    assert (reversal.points, reversal.reverses_id, reversal.credited_at) == (
        -10,
        original.pk,
        original.credited_at,
    )
    assert balance(member) == 0
    assert total(member, "like_received") == (0, 0)
    assert Activity.objects.count() == 2


def test_reversing_twice_writes_one_reversal(member):
    original = like(member, UserFactory(), 1)

    first = ledger.reverse(key=original.key)
    second = ledger.reverse(key=original.key)

    assert second.pk == first.pk
    assert balance(member) == 0
    assert Activity.objects.count() == 2


def test_reversing_an_unknown_key_does_nothing(member):
    assert ledger.reverse(key="never") is None
    assert Activity.objects.count() == 0


def test_a_reversal_cannot_be_reversed(member):
    original = like(member, UserFactory(), 1)
    reversal = ledger.reverse(key=original.key)

    with pytest.raises(ValueError, match="cannot be reversed"):
        ledger.reverse(key=reversal.key)

    assert Activity.objects.count() == 2


def test_reversing_a_capped_row_takes_back_only_what_it_gave(member):
    PointRule.objects.filter(verb="like_received").update(daily_cap=10, weekly_cap_per_giver=None)
    like(member, UserFactory(), 1)
    capped = like(member, UserFactory(), 2)

    reversal = ledger.reverse(key=capped.key)

    assert reversal.points == 0
    assert balance(member) == 10


def test_reverse_matching_undoes_every_live_row_about_a_subject_once(member):
    other = UserFactory()
    ledger.record(
        member_id=member.pk, verb="reply_posted", key="p", subject_type="post", subject_id=5
    )
    for n, giver in enumerate(UserFactory.create_batch(2)):
        ledger.record(
            member_id=member.pk,
            verb="like_received",
            key=f"l{n}",
            subject_type="post",
            subject_id=5,
            actor_id=giver.pk,
        )
    ledger.record(
        member_id=other.pk, verb="reply_posted", key="q", subject_type="post", subject_id=6
    )

    first = ledger.reverse_matching(subject_type="post", subject_id=5, reason="deleted")
    again = ledger.reverse_matching(subject_type="post", subject_id=5, reason="deleted")

    assert (first, again) == (3, 0)
    assert balance(member) == 0
    assert balance(other) == 2


def test_reverse_matching_by_actor_undoes_only_that_members_like(member):
    ada, bob = UserFactory(), UserFactory()
    for giver in (ada, bob):
        ledger.record(
            member_id=member.pk,
            verb="like_received",
            key=f"l{giver.pk}",
            subject_type="post",
            subject_id=5,
            actor_id=giver.pk,
        )

    count = ledger.reverse_matching(
        subject_type="post", subject_id=5, verb="like_received", actor_id=ada.pk
    )

    assert count == 1
    assert balance(member) == 10


def test_ledger_rows_cannot_be_edited_or_deleted(member):
    row = ledger.record(member_id=member.pk, verb="reply_posted", key="r")

    row.points = 1000
    with pytest.raises(TypeError, match="append-only"):
        row.save()
    with pytest.raises(TypeError, match="append-only"):
        row.delete()
    with pytest.raises(TypeError, match="append-only"):
        Activity.objects.filter(pk=row.pk).update(points=1000)
    with pytest.raises(TypeError, match="append-only"):
        Activity.objects.filter(pk=row.pk).delete()

    assert Activity.objects.get(pk=row.pk).points == 2


def test_deleting_an_account_takes_its_ledger_with_it(member):
    ledger.record(member_id=member.pk, verb="reply_posted", key="r")

    member.delete()

    assert Activity.objects.count() == 0


def run_at_once(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[Exception] = []

    def worker(call) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as error:  # reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [thread.is_alive() for thread in threads] == [False] * len(calls)
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_cannot_exceed_the_daily_cap():
    PointRule.objects.filter(verb="like_received").update(daily_cap=30, weekly_cap_per_giver=None)
    author = UserFactory()
    givers = UserFactory.create_batch(8)

    run_at_once([lambda g=giver, n=n: like(author, g, n) for n, giver in enumerate(givers)])

    assert balance(author) == 30
    assert Activity.objects.filter(member=author).count() == 8
    assert sorted(Activity.objects.filter(member=author).values_list("points", flat=True)) == [
        0,
        0,
        0,
        0,
        0,
        10,
        10,
        10,
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_of_one_key_score_once():
    author = UserFactory()

    results = run_at_once(
        [
            lambda: ledger.record(member_id=author.pk, verb="reply_posted", key="same")
            for _ in range(6)
        ]
    )

    assert len({row.pk for row in results}) == 1
    assert Activity.objects.filter(member=author).count() == 1
    assert balance(author) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_of_one_key_write_one_reversal():
    author = UserFactory()
    original = like(author, UserFactory(), 1)

    run_at_once([lambda: ledger.reverse(key=original.key) for _ in range(5)])

    assert Activity.objects.filter(reverses=original).count() == 1
    assert balance(author) == 0


def test_deleting_an_account_with_reversals_takes_its_ledger_and_badge_counts(member):
    from members.loyalty.models import Badge
    from members.services import delete_account

    row = ledger.record(member_id=member.pk, verb="reply_posted", key="r")
    ledger.reverse(key=row.key)

    delete_account(member=member)

    assert Activity.objects.count() == 0
    assert Badge.objects.get(slug="first-post").award_count == 0


def test_the_data_export_carries_points_badges_and_tier_history(member):
    from members.loyalty.selectors import export_loyalty

    ledger.record(
        member_id=member.pk, verb="reply_posted", key="r", subject_type="post", subject_id=4
    )

    exported = export_loyalty(member)

    assert [(p["verb"], p["points"], p["about"]) for p in exported["points"]] == [
        ("reply_posted", 2, "post 4")
    ]
    assert [b["badge"] for b in exported["badges"]] == ["First post"]
    assert exported["tier_history"] == []
