"""Moderator rewards: a moderator thanks a member with points, a badge and an optional
public thank-you. Each reward is its own audit row (who, whom, what, why, when), and
staff can reverse it (a reversing ledger entry)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ModeratorReward(models.Model):
    """One reward, as given: the audit row. `post_id` is the post it was given from (None:
    from the profile). Reversed rewards keep their row, with who reversed it and why."""

    moderator = models.ForeignKey(
        "members.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        "members.User", on_delete=models.CASCADE, related_name="moderator_rewards"
    )
    points = models.PositiveIntegerField(default=0)
    badge = models.ForeignKey(
        "members.Badge", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    thank_you = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["moderator", "-created_at"], name="reward_budget"),
            models.Index(fields=["member", "-created_at"], name="reward_member"),
            models.Index(fields=["post_id"], condition=~Q(thank_you=""), name="reward_thank_yous"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) | Q(badge__isnull=False), name="reward_gives_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.moderator_id} -> {self.member_id}: {self.points}"

    @property
    def ledger_key(self) -> str:
        return f"moderator_reward:{self.pk}"
