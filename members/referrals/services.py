"""Referral writes: the personal link, recording a sign-up through it, noticing the new
member's activation, rewarding both sides once, and staff review of flagged referrals.

Rules (issue 9, item 7): a sign-up within REFERRAL_WINDOW_DAYS of following the link records
the referrer; self-referral (the same inbox, however spelt), an inbox referred before and
loops are refused; the same network or device as the referrer flags the referral for staff,
who approve or reject it. Rewards go to both sides once the new member is activated (a
verified email and a community act: a reply someone else liked, or an event attended), the
referrer's only for their first REFERRAL_REWARD_CAP rewarded referrals.

Locking: activation takes both members' ledger locks (in id order) before the referral row,
the order every ledger write uses, so it never deadlocks with a like or a check-in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ConflictError
from core.queueing import enqueue_on_commit
from members.loyalty import ledger
from members.models import User
from members.referrals import identity
from members.referrals.models import MemberSighting, Referral, ReferralLink

#: Ledger verbs: the referrer's reward, and the new member's welcome (a verb of its own, so
#: the "peers referred" badge counts only the referrer's).
REFERRER_VERB = "referral_activated"
REFERRED_VERB = "referral_joined"

#: How far up a referral chain the loop check looks.
LOOP_DEPTH = 20

SELF_REFERRAL = "Self-referral: the same person (or inbox) as the referrer."
REFERRED_BEFORE = "This inbox was referred before (a second account with the same email)."
LOOP = "A loop: the referrer was referred (directly or not) by this member."


class ReferralReviewError(ConflictError):
    """The referral cannot be reviewed (not flagged, or already decided)."""


def get_or_create_link(*, member_id: int) -> ReferralLink:
    """The member's referral link, created with a fresh random code the first time."""
    link = ReferralLink.objects.filter(member_id=member_id).first()
    if link is not None:
        return link
    for _ in range(5):  # a code collision is astronomically rare; try again if it happens
        try:
            with transaction.atomic():
                return ReferralLink.objects.create(
                    member_id=member_id, code=secrets.token_urlsafe(8)[:10]
                )
        except IntegrityError:
            link = ReferralLink.objects.filter(member_id=member_id).first()
            if link is not None:
                return link
    raise RuntimeError("could not allocate a referral code")


def note_sighting(*, member_id: int, network: str, device: str) -> None:
    """Remember (as keyed hashes) the network and device a member used, for the
    same-person checks of referrals made later. Idempotent; one query."""
    now = timezone.now()
    rows = [
        MemberSighting(
            member_id=member_id,
            kind=kind,
            fingerprint=identity.fingerprint(kind, value),
            last_seen_at=now,
        )
        for kind, value in (
            (MemberSighting.Kind.NETWORK, network),
            (MemberSighting.Kind.DEVICE, device),
        )
        if value
    ]
    if rows:
        MemberSighting.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["member", "kind", "fingerprint"],
            update_fields=["last_seen_at"],
        )


def _is_loop(*, referrer_id: int, referred_id: int) -> bool:
    """Whether `referred_id` is up `referrer_id`'s chain of referrers."""
    current = referrer_id
    for _ in range(LOOP_DEPTH):
        parent = (
            Referral.objects.filter(referred_id=current)
            .exclude(status=Referral.Status.REFUSED)
            .values_list("referrer_id", flat=True)
            .first()
        )
        if parent is None:
            return False
        if parent == referred_id:
            return True
        current = parent
    return True  # a chain this deep is not a real one


def _flags(*, referrer_id: int, network: str, device: str) -> str:
    reasons = []
    for kind, value, label in (
        (MemberSighting.Kind.NETWORK, network, "same network"),
        (MemberSighting.Kind.DEVICE, device, "same device"),
    ):
        if (
            value
            and MemberSighting.objects.filter(
                member_id=referrer_id, kind=kind, fingerprint=identity.fingerprint(kind, value)
            ).exists()
        ):
            reasons.append(label)
    return ", ".join(reasons)


@transaction.atomic
def record_signup_referral(
    *, referred_id: int, code: str, network: str = "", device: str = ""
) -> Referral | None:
    """Record that the member `referred_id` signed up through the link with `code`.

    Returns the referral: PENDING (flagged when the sign-up came from a network or device
    the referrer used), or REFUSED with the reason (self-referral, an inbox referred
    before, a loop). None for an unknown code or a referrer who is no longer active. A
    member is referred at most once: a second call returns the first row. The new member's
    network and device are remembered for their own referrals later.
    """
    link = ReferralLink.objects.select_related("member").filter(code=code).first()
    if link is None or not link.member.is_active:
        return None
    existing = Referral.objects.filter(referred_id=referred_id).first()
    if existing is not None:
        return existing
    referrer = link.member
    referred = User.objects.only("pk", "email").get(pk=referred_id)
    fingerprint = identity.email_fingerprint(referred.email)
    reason = ""
    if referrer.pk == referred.pk or identity.email_fingerprint(referrer.email) == fingerprint:
        reason = SELF_REFERRAL
    elif Referral.objects.filter(email_fingerprint=fingerprint).exists():
        reason = REFERRED_BEFORE
    elif _is_loop(referrer_id=referrer.pk, referred_id=referred.pk):
        reason = LOOP
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                referrer=referrer,
                referred=referred,
                status=Referral.Status.REFUSED if reason else Referral.Status.PENDING,
                refusal_reason=reason,
                email_fingerprint=fingerprint,
                flag_reasons=""
                if reason
                else _flags(referrer_id=referrer.pk, network=network, device=device),
            )
    except IntegrityError:  # the same member, recorded by a concurrent request
        return Referral.objects.get(referred_id=referred_id)
    note_sighting(member_id=referred.pk, network=network, device=device)
    return referral


def _schedule_activation(referral_id: int) -> None:
    from members.referrals.tasks import activate_referral_task  # tasks import services

    enqueue_on_commit(activate_referral_task, referral_id)


def note_community_act(*, member_id: int, act: str) -> bool:
    """The member did a community act that activates a referral (a reply someone else
    liked, an event attended). Records the first one on their pending referral and
    schedules the activation after commit. One query when there is nothing to do. Returns
    whether it recorded the act."""
    referral_id = (
        Referral.objects.filter(
            referred_id=member_id, status=Referral.Status.PENDING, acted_at__isnull=True
        )
        .values_list("pk", flat=True)
        .first()
    )
    if referral_id is None:
        return False
    claimed = Referral.objects.filter(pk=referral_id, acted_at__isnull=True).update(
        acted_at=timezone.now(), act=act
    )
    if claimed:
        _schedule_activation(referral_id)
    return bool(claimed)


def note_email_verified(*, member_id: int) -> bool:
    """The member's email may just have been verified: if their referral is waiting for
    only that, schedule its activation after commit. Returns whether it scheduled one."""
    referral_id = (
        Referral.objects.filter(
            referred_id=member_id, status=Referral.Status.PENDING, acted_at__isnull=False
        )
        .values_list("pk", flat=True)
        .first()
    )
    if referral_id is None:
        return False
    _schedule_activation(referral_id)
    return True


def sweep_due_activations() -> int:
    """Beat: enqueue the activation of every referral whose member looks activated but
    that is still pending (a lost task, a broker that was down). Returns how many."""
    due = list(
        Referral.objects.filter(
            status=Referral.Status.PENDING,
            acted_at__isnull=False,
            referred__has_verified_email=True,
        )
        .filter(Q(flag_reasons="") | Q(is_approved=True))
        .values_list("pk", flat=True)[:1000]
    )
    for referral_id in due:
        _schedule_activation(referral_id)
    return len(due)


@transaction.atomic
def activate_referral(*, referral_id: int) -> bool:
    """Reward a referral whose new member is activated, exactly once: the new member's
    welcome always, the referrer's reward while they are under REFERRAL_REWARD_CAP
    rewarded referrals (counted under the referrer's ledger lock, so concurrent
    activations cannot pass the cap).

    Returns False, writing nothing, when the referral is missing, not pending, flagged and
    not approved, or its member is not activated yet (email unverified, no act, account
    gone). Ledger keys make the rewards idempotent as well.
    """
    ids = Referral.objects.filter(pk=referral_id).values_list("referrer_id", "referred_id").first()
    if ids is None or ids[1] is None:
        return False
    referrer_id, referred_id = ids
    for member_id in sorted((referrer_id, referred_id)):
        ledger.lock_member(member_id)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("referred", "referrer")
        .get(pk=referral_id)
    )
    referred = referral.referred
    if (
        referral.status != Referral.Status.PENDING
        or referral.acted_at is None
        or referred is None
        or not referred.is_active
        or not referred.has_verified_email
        or (referral.is_flagged and not referral.is_approved)
    ):
        return False
    within_cap = (
        referral.referrer.is_active
        and Referral.objects.filter(referrer_id=referrer_id, is_referrer_rewarded=True).count()
        < settings.REFERRAL_REWARD_CAP
    )
    welcome = ledger.record(
        member_id=referred_id,
        verb=REFERRED_VERB,
        key=f"referral:{referral.pk}:referred",
        subject_type="referral",
        subject_id=referral.pk,
        actor_id=referrer_id,
    )
    reward = None
    if within_cap:
        reward = ledger.record(
            member_id=referrer_id,
            verb=REFERRER_VERB,
            key=f"referral:{referral.pk}:referrer",
            subject_type="referral",
            subject_id=referral.pk,
            actor_id=referred_id,
        )
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.ACTIVATED,
        activated_at=timezone.now(),
        referred_points=welcome.points if welcome is not None else 0,
        referrer_points=reward.points if reward is not None else 0,
        is_referrer_rewarded=reward is not None,
    )
    return True


@transaction.atomic
def review_referral(*, referral_id: int, reviewer: User, approve: bool, note: str = "") -> Referral:
    """Staff decide a flagged referral: approved, it is rewarded once its member is
    activated (now, if they already are); rejected, it never is. Raises
    ReferralReviewError when it is not flagged or was already decided."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if not referral.is_flagged or referral.reviewed_at is not None:
        raise ReferralReviewError("Only a flagged referral waiting for review can be decided.")
    if referral.status != Referral.Status.PENDING:
        raise ReferralReviewError("This referral was already decided.")
    referral.reviewed_at = timezone.now()
    referral.reviewed_by = reviewer
    referral.is_approved = approve
    referral.review_note = note[:300]
    if not approve:
        referral.status = Referral.Status.REJECTED
    referral.save(
        update_fields=["reviewed_at", "reviewed_by", "is_approved", "review_note", "status"]
    )
    if approve and referral.acted_at is not None:
        _schedule_activation(referral.pk)
    return referral
