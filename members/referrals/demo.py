"""Demo referrals: the demo member referred two peers, one still waiting for activation
and one activated (both rewarded once). Recorded through the referral services, after the
demo members and their loyalty; idempotent (a member is referred at most once, and an
activated referral is never rewarded again)."""

from __future__ import annotations

from django.db import transaction

from members.models import User
from members.referrals import services
from members.referrals.models import Referral


@transaction.atomic
def seed_referrals() -> int:
    """The demo member's pending and activated referral. Returns how many it activated now."""
    referrer = User.objects.filter(handle="demo_member", is_active=True).first()
    peers = list(
        User.objects.filter(is_active=True, is_staff=False, has_verified_email=True)
        .exclude(handle="demo_member")
        .order_by("-pk")[1:3]  # not the last: the demo's honorary VIP
    )
    if referrer is None or len(peers) < 2:
        return 0
    code = services.get_or_create_link(member_id=referrer.pk).code
    _pending, activated = (
        services.record_signup_referral(referred_id=peer.pk, code=code) for peer in peers
    )
    if activated is None or activated.referred_id is None:
        return 0
    if activated.status != Referral.Status.PENDING:
        return 0
    services.note_community_act(member_id=activated.referred_id, act=Referral.Act.REPLY_LIKED)
    return int(services.activate_referral(referral_id=activated.pk))
