"""Referrals: recording a sign-up, refusing abuse, flagging one person behind two accounts,
rewarding an activated referral exactly once, within the referrer's cap."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.utils import timezone

from community.services.engagement import add_reaction
from events.services.attendance import set_attendance
from members.loyalty.models import Activity, MemberPoints
from members.referrals import identity, services
from members.referrals.models import MemberSighting, Referral
from tests.community.factories import PostFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory
from tests.members.referrals.factories import ReferralFactory, ReferralLinkFactory

pytestmark = pytest.mark.django_db


def points(member) -> int:
    return MemberPoints.objects.filter(member=member).values_list("balance", flat=True).first() or 0


def referral_entries() -> list[tuple[int, str, int]]:
    return sorted(
        Activity.objects.filter(subject_type="referral").values_list("member_id", "verb", "points")
    )


@pytest.mark.parametrize(
    ("email", "canonical"),
    [
        ("Jane.Doe+forum@Gmail.com", "janedoe@gmail.com"),
        ("j.a.n.e.doe@googlemail.com", "janedoe@gmail.com"),
        ("jane.doe+x@example.com", "jane.doe@example.com"),
        ("  JANE@Example.COM ", "jane@example.com"),
    ],
)
def test_canonical_email_folds_what_reaches_the_same_inbox(email, canonical):
    assert identity.canonical_email(email) == canonical


def test_sign_up_through_a_link_records_a_pending_referral():
    link = ReferralLinkFactory()
    newcomer = UserFactory(email="newcomer@example.com")

    referral = services.record_signup_referral(
        referred_id=newcomer.pk, code=link.code, network="198.51.100.7", device="a" * 32
    )

    assert (referral.referrer_id, referral.referred_id) == (link.member_id, newcomer.pk)
    assert (referral.status, referral.refusal_reason, referral.flag_reasons) == ("pending", "", "")
    assert MemberSighting.objects.filter(member=newcomer).count() == 2


def test_an_unknown_code_records_nothing():
    newcomer = UserFactory()

    referral = services.record_signup_referral(referred_id=newcomer.pk, code="nope")

    assert referral is None
    assert Referral.objects.count() == 0


def test_a_deactivated_referrer_records_nothing():
    link = ReferralLinkFactory(member=UserFactory(inactive=True))

    referral = services.record_signup_referral(referred_id=UserFactory().pk, code=link.code)

    assert referral is None
    assert Referral.objects.count() == 0


def test_a_member_is_referred_once():
    first = ReferralLinkFactory()
    second = ReferralLinkFactory()
    newcomer = UserFactory()
    original = services.record_signup_referral(referred_id=newcomer.pk, code=first.code)

    again = services.record_signup_referral(referred_id=newcomer.pk, code=second.code)

    assert again.pk == original.pk
    assert Referral.objects.get().referrer_id == first.member_id


def test_self_referral_through_another_spelling_of_the_same_inbox_is_refused():
    link = ReferralLinkFactory(member=UserFactory(email="jane.doe@gmail.com"))
    alias = UserFactory(email="janedoe+again@gmail.com")

    referral = services.record_signup_referral(referred_id=alias.pk, code=link.code)

    assert (referral.status, referral.refusal_reason) == ("refused", services.SELF_REFERRAL)


def test_self_referral_of_the_same_account_is_refused():
    link = ReferralLinkFactory()

    referral = services.record_signup_referral(referred_id=link.member_id, code=link.code)

    assert (referral.status, referral.refusal_reason) == ("refused", services.SELF_REFERRAL)


def test_a_second_account_of_an_inbox_referred_before_is_refused():
    link = ReferralLinkFactory()
    services.record_signup_referral(
        referred_id=UserFactory(email="sam.smith@gmail.com").pk, code=link.code
    )
    second = UserFactory(email="samsmith+2@googlemail.com")

    referral = services.record_signup_referral(referred_id=second.pk, code=link.code)

    assert (referral.status, referral.refusal_reason) == ("refused", services.REFERRED_BEFORE)
    assert Referral.objects.filter(status="pending").count() == 1


def test_an_inbox_referred_before_is_refused_even_after_that_account_was_deleted():
    link = ReferralLinkFactory()
    gone = UserFactory(email="gone@example.com")
    services.record_signup_referral(referred_id=gone.pk, code=link.code)
    gone.delete()
    back = UserFactory(email="gone+back@example.com")

    referral = services.record_signup_referral(referred_id=back.pk, code=link.code)

    assert (referral.status, referral.refusal_reason) == ("refused", services.REFERRED_BEFORE)


@pytest.mark.parametrize("chain", [1, 3])
def test_a_referral_loop_is_refused(chain):
    members = UserFactory.create_batch(chain + 1)
    # members[0] referred members[1], who referred members[2], ...
    for referrer, referred in itertools.pairwise(members):
        ReferralFactory(referrer=referrer, referred=referred)
    last_link = ReferralLinkFactory(member=members[-1])

    referral = services.record_signup_referral(referred_id=members[0].pk, code=last_link.code)

    assert (referral.status, referral.refusal_reason) == ("refused", services.LOOP)


@pytest.mark.parametrize(
    ("network", "device", "flags"),
    [
        ("203.0.113.9", "", "same network"),
        ("198.51.100.1", "d" * 32, "same device"),
        ("203.0.113.9", "d" * 32, "same network, same device"),
    ],
)
def test_the_referrers_network_or_device_flags_the_referral(network, device, flags):
    link = ReferralLinkFactory()
    services.note_sighting(member_id=link.member_id, network="203.0.113.9", device="d" * 32)

    referral = services.record_signup_referral(
        referred_id=UserFactory().pk, code=link.code, network=network, device=device
    )

    assert (referral.status, referral.flag_reasons) == ("pending", flags)


def test_a_genuine_referral_is_rewarded_to_both_sides_once_a_reply_is_liked(
    django_capture_on_commit_callbacks,
):
    referral = ReferralFactory()
    reply = PostFactory(author=referral.referred)

    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(member=UserFactory(), post_id=reply.pk, kind="like")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.activate_referral(referral_id=referral.pk)

    referral.refresh_from_db()
    assert again is False
    assert (referral.status, referral.act) == ("activated", "reply_liked")
    assert (referral.referrer_points, referral.referred_points) == (50, 25)
    assert referral_entries() == sorted(
        [
            (referral.referrer_id, "referral_activated", 50),
            (referral.referred_id, "referral_joined", 25),
        ]
    )
    # the new member: 25 for joining through the referral, 10 for the like itself
    assert (points(referral.referrer), points(referral.referred)) == (50, 35)


def test_a_like_on_the_opening_post_is_not_the_act(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    thread = ThreadFactory(author=referral.referred)

    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(member=UserFactory(), post_id=thread.posts.get().pk, kind="like")

    referral.refresh_from_db()
    assert (referral.status, referral.acted_at) == ("pending", None)
    assert referral_entries() == []


def test_a_thanks_is_not_the_act(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    reply = PostFactory(author=referral.referred)

    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(member=UserFactory(), post_id=reply.pk, kind="thanks")

    referral.refresh_from_db()
    assert (referral.status, referral.acted_at) == ("pending", None)
    assert referral_entries() == []


def test_an_event_attended_activates_the_referral(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    host = UserFactory()
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5), hosts=[host])
    seat = RegistrationFactory(event=event, member=referral.referred)

    with django_capture_on_commit_callbacks(execute=True):
        set_attendance(actor=host, event_id=event.pk, registration_id=seat.pk, attended=True)

    referral.refresh_from_db()
    assert (referral.status, referral.act) == ("activated", "event_attended")
    assert len(referral_entries()) == 2


def test_an_unverified_member_is_rewarded_once_they_verify(django_capture_on_commit_callbacks):
    referral = ReferralFactory(referred=UserFactory(unverified=True))
    reply = PostFactory(author=referral.referred)
    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(member=UserFactory(), post_id=reply.pk, kind="like")
    referral.refresh_from_db()
    assert (referral.status, referral_entries()) == ("pending", [])

    address = EmailAddress.objects.get(user=referral.referred)
    address.verified = True
    with django_capture_on_commit_callbacks(execute=True):
        address.save()

    referral.refresh_from_db()
    assert referral.status == "activated"
    assert len(referral_entries()) == 2


def test_a_refused_referral_is_never_rewarded(django_capture_on_commit_callbacks):
    referral = ReferralFactory(acted=True, status="refused", refusal_reason=services.LOOP)

    rewarded = services.activate_referral(referral_id=referral.pk)

    referral.refresh_from_db()
    assert rewarded is False
    assert referral.status == "refused"
    assert referral_entries() == []


def test_a_flagged_referral_waits_for_staff(django_capture_on_commit_callbacks):
    referral = ReferralFactory(acted=True, flagged=True)

    rewarded = services.activate_referral(referral_id=referral.pk)

    referral.refresh_from_db()
    assert rewarded is False
    assert referral.status == "pending"
    assert referral_entries() == []


def test_staff_approval_rewards_a_flagged_referral(staff, django_capture_on_commit_callbacks):
    referral = ReferralFactory(acted=True, flagged=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_referral(referral_id=referral.pk, reviewer=staff, approve=True)

    referral.refresh_from_db()
    assert (referral.status, referral.is_approved, referral.reviewed_by) == (
        "activated",
        True,
        staff,
    )
    assert len(referral_entries()) == 2


def test_staff_rejection_means_never_rewarded(staff, django_capture_on_commit_callbacks):
    referral = ReferralFactory(acted=True, flagged=True)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.review_referral(referral_id=referral.pk, reviewer=staff, approve=False)
    rewarded = services.activate_referral(referral_id=referral.pk)

    referral.refresh_from_db()
    assert (rewarded, referral.status, len(callbacks)) == (False, "rejected", 0)
    assert referral_entries() == []


def test_an_unflagged_referral_cannot_be_reviewed(staff):
    referral = ReferralFactory(acted=True)

    with pytest.raises(services.ReferralReviewError):
        services.review_referral(referral_id=referral.pk, reviewer=staff, approve=False)

    referral.refresh_from_db()
    assert (referral.status, referral.reviewed_at) == ("pending", None)


def test_the_referrer_is_rewarded_up_to_the_cap(settings, django_capture_on_commit_callbacks):
    settings.REFERRAL_REWARD_CAP = 1
    referrer = UserFactory()
    first, second = ReferralFactory.create_batch(2, referrer=referrer, acted=True)

    services.activate_referral(referral_id=first.pk)
    services.activate_referral(referral_id=second.pk)

    second.refresh_from_db()
    assert (second.status, second.is_referrer_rewarded, second.referrer_points) == (
        "activated",
        False,
        0,
    )
    assert referral_entries() == sorted(
        [
            (referrer.pk, "referral_activated", 50),
            (first.referred_id, "referral_joined", 25),
            (second.referred_id, "referral_joined", 25),
        ]
    )


def test_the_sweep_enqueues_pending_activations_only(django_capture_on_commit_callbacks):
    due = ReferralFactory(acted=True)
    ReferralFactory()  # no act yet
    ReferralFactory(acted=True, flagged=True)  # waits for staff
    ReferralFactory(acted=True, referred=UserFactory(unverified=True))

    with django_capture_on_commit_callbacks(execute=True):
        count = services.sweep_due_activations()

    assert count == 1
    assert Referral.objects.get(status="activated") == due


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
def test_concurrent_activations_reward_a_referral_exactly_once():
    referral = ReferralFactory(acted=True)

    results = run_at_once(
        [lambda: services.activate_referral(referral_id=referral.pk) for _ in range(6)]
    )

    assert sorted(results) == [False] * 5 + [True]
    assert len(referral_entries()) == 2
    assert (points(referral.referrer), points(referral.referred)) == (50, 25)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_activations_cannot_pass_the_cap(settings):
    settings.REFERRAL_REWARD_CAP = 2
    referrer = UserFactory()
    referrals = ReferralFactory.create_batch(5, referrer=referrer, acted=True)

    run_at_once([lambda r=r: services.activate_referral(referral_id=r.pk) for r in referrals])

    assert Referral.objects.filter(status="activated").count() == 5
    assert Referral.objects.filter(is_referrer_rewarded=True).count() == 2
    assert points(referrer) == 100
