"""Referral reads: the member's referrals screen (page and API), and a link's owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse

from members.models import User
from members.referrals.models import Referral, ReferralLink

#: Referrals per page of the screen.
PAGE_SIZE = 50


@dataclass(frozen=True)
class ReferralRow:
    """One member the viewer referred, and what it earned the viewer."""

    id: int
    handle: str
    name: str
    profile_url: str
    joined_at: datetime
    status: str
    status_label: str
    is_flagged: bool
    activated_at: datetime | None
    points_earned: int


@dataclass(frozen=True)
class ReferralsScreen:
    """The referrals screen: the personal link, the tally, one page of referrals."""

    code: str
    join_path: str
    cap: int
    rewarded_count: int
    pending_count: int
    points_earned: int
    rows: list[ReferralRow]
    next_cursor: int | None

    @property
    def rewards_left(self) -> int:
        return max(self.cap - self.rewarded_count, 0)


def _status_label(referral: Referral) -> str:
    if referral.status == Referral.Status.PENDING and referral.awaits_review:
        return "Waiting for a staff check"
    if referral.status == Referral.Status.PENDING:
        return "Joined: rewarded once they verify their email and take part"
    if referral.status == Referral.Status.ACTIVATED and not referral.is_referrer_rewarded:
        return "Active (past your referral reward limit)"
    if referral.status == Referral.Status.REFUSED:
        return f"Not counted: {referral.refusal_reason}"
    return str(referral.get_status_display())


def get_referrals_screen(
    *, viewer: User, link: ReferralLink, before: int | None
) -> ReferralsScreen:
    """The viewer's referral link and referrals, newest first, `PAGE_SIZE` a page (keyset:
    ids below `before`). Three queries whatever the number of referrals."""
    tally = Referral.objects.filter(referrer=viewer).aggregate(
        rewarded=Count("pk", filter=Q(is_referrer_rewarded=True)),
        pending=Count("pk", filter=Q(status=Referral.Status.PENDING)),
        points=Sum("referrer_points"),
    )
    referrals = Referral.objects.filter(referrer=viewer, referred__isnull=False)
    if before is not None:
        referrals = referrals.filter(pk__lt=before)
    page = list(
        referrals.select_related("referred")
        .only(
            "id",
            "status",
            "refusal_reason",
            "flag_reasons",
            "reviewed_at",
            "created_at",
            "activated_at",
            "referrer_points",
            "is_referrer_rewarded",
            "referred__id",
            "referred__handle",
            "referred__display_name",
        )
        .order_by("-pk")[: PAGE_SIZE + 1]
    )
    rows = [
        ReferralRow(
            id=referral.pk,
            handle=referral.referred.handle,
            name=referral.referred.name,
            profile_url=reverse("members:profile", args=[referral.referred.handle]),
            joined_at=referral.created_at,
            status=referral.status,
            status_label=_status_label(referral),
            is_flagged=referral.is_flagged,
            activated_at=referral.activated_at,
            points_earned=referral.referrer_points,
        )
        for referral in page[:PAGE_SIZE]
        if referral.referred is not None
    ]
    return ReferralsScreen(
        code=link.code,
        join_path=reverse("members:join", args=[link.code]),
        cap=settings.REFERRAL_REWARD_CAP,
        rewarded_count=tally["rewarded"],
        pending_count=tally["pending"],
        points_earned=int(tally["points"] or 0),
        rows=rows,
        next_cursor=page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None,
    )


def get_referrer_for_code(code: str) -> User | None:
    """The active member whose referral code this is, or None."""
    link = ReferralLink.objects.select_related("member").filter(code=code).first()
    if link is None or not link.member.is_active:
        return None
    return link.member
