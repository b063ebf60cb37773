"""Referrals: each member's personal link, the sign-ups it brought, and the signals (network,
device) that say one person may be behind both accounts.

A referral is recorded at sign-up (members.referrals.services.record_signup_referral) and
rewarded, to both sides, once the new member is activated. Refused sign-ups are kept as rows
too (with the reason), so staff see the attempts and an address cannot be referred twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReferralLink(models.Model):
    """A member's personal referral code (created the first time they look for it)."""

    member = models.OneToOneField(
        "members.User", primary_key=True, on_delete=models.CASCADE, related_name="referral_link"
    )
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.code}"


class Referral(models.Model):
    """`referred` signed up through `referrer`'s link.

    PENDING until the new member is activated (a verified email and a community act), then
    ACTIVATED with what each side earned; REFUSED at sign-up (self-referral, an address
    referred before, a loop); REJECTED by staff after review. A referral with
    `flag_reasons` (same network or device as the referrer) is rewarded only once staff
    approve it (`reviewed_at` with `is_approved`).

    `email_fingerprint` is a keyed hash of the new member's canonical address (dots and
    +tags folded for Gmail, +tags for all), kept even if that account is deleted, so the
    same inbox is never referred (and rewarded) twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for activation"
        ACTIVATED = "activated", "Activated"
        REFUSED = "refused", "Refused"
        REJECTED = "rejected", "Rejected by staff"

    class Act(models.TextChoices):
        REPLY_LIKED = "reply_liked", "A reply someone liked"
        EVENT_ATTENDED = "event_attended", "An event attended"

    referrer = models.ForeignKey(
        "members.User", on_delete=models.CASCADE, related_name="referrals_made"
    )
    referred = models.OneToOneField(
        "members.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referral",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    refusal_reason = models.CharField(max_length=200, blank=True)
    email_fingerprint = models.CharField(max_length=64, db_index=True)
    flag_reasons = models.CharField(
        max_length=100, blank=True, help_text="Signals of one person behind both accounts."
    )
    created_at = models.DateTimeField(default=timezone.now)
    acted_at = models.DateTimeField(null=True, blank=True)
    act = models.CharField(max_length=20, choices=Act.choices, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    referrer_points = models.IntegerField(default=0)
    referred_points = models.IntegerField(default=0)
    is_referrer_rewarded = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_approved = models.BooleanField(default=False)
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["referrer", "-created_at", "-id"], name="referral_by_referrer"),
            models.Index(
                fields=["-created_at"],
                condition=~Q(flag_reasons="") & Q(reviewed_at__isnull=True),
                name="referral_to_review",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="activated") | Q(activated_at__isnull=False),
                name="referral_activated_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referred_id} ({self.status})"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flag_reasons)

    @property
    def awaits_review(self) -> bool:
        return self.is_flagged and self.reviewed_at is None


class MemberSighting(models.Model):
    """A network (IP address) or device (first-party cookie id) a member used, as a keyed
    hash: what a referral's sign-up is compared with to flag one person behind both."""

    class Kind(models.TextChoices):
        NETWORK = "network", "Network"
        DEVICE = "device", "Device"

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    fingerprint = models.CharField(max_length=64)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "fingerprint"], name="member_sighting_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}"
