"""Loyalty's data: the append-only activity ledger, the point rules, the summaries derived
from the ledger, badges and tier grants and history.

The ledger (`Activity`) is the source of truth. `MemberPoints` and `MemberVerbTotal` are
summaries kept in step by the services that write the ledger (members.loyalty.ledger) and
rebuilt exactly by `members.loyalty.replay`. Nothing in the ledger is edited or deleted:
undoing a cause writes a reversing row.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Verb(models.TextChoices):
    """What a member did (or had happen to them) that may earn points."""

    THREAD_STARTED = "thread_started", "Started a thread"
    REPLY_POSTED = "reply_posted", "Replied"
    LIKE_RECEIVED = "like_received", "Received a like"
    ANSWER_ACCEPTED = "answer_accepted", "Answer accepted"
    EVENT_ATTENDED = "event_attended", "Attended an event"
    REFERRAL_ACTIVATED = "referral_activated", "Referred a member"
    MODERATOR_AWARD = "moderator_award", "Rewarded by a moderator"


class PointRule(models.Model):
    """How many points one verb earns, and the caps that stop farming. Set by staff.

    `daily_cap`: the most points a member earns from this verb in one day (the community's
    day, settings.TIME_ZONE). `weekly_cap_per_giver`: the most points one member can give
    another through this verb in any 7 days (likes between the same pair), which defeats
    like rings without hurting members helped by many. An inactive rule scores nothing
    (the activity is still recorded, for badges).
    """

    verb = models.CharField(max_length=40, unique=True)
    points = models.IntegerField()
    daily_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most points a member earns from this a day. Empty: none."
    )
    weekly_cap_per_giver = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most points one member can give another through this in 7 days. Empty: none.",
    )
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["verb"]

    def __str__(self) -> str:
        return f"{self.verb}: {self.points}"


class ImmutableQuerySet(models.QuerySet["Activity"]):
    """The ledger's queryset: rows are never updated or deleted in bulk either."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The activity ledger is append-only: write a reversing entry.")

    def delete(self) -> NoReturn:
        raise TypeError("The activity ledger is append-only: write a reversing entry.")


class Activity(models.Model):
    """One entry of the append-only ledger: `member` earned `points` for `verb`.

    `subject_type`/`subject_id` say what it is about ("post" 12, "event" 3); `actor` is the
    other member who caused it (the liker, the asker who accepted, the moderator), None for
    the member's own acts. `key` makes recording idempotent. `rule_points` is what the rule
    would have given: fewer `points` means a cap held. A reversal is a new row pointing at
    the row it undoes (`reverses`, at most one per row) with the negated points, counted
    (`credited_at`) on the reversed row's date so rolling windows stay true.
    """

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="activities")
    verb = models.CharField(max_length=40)
    points = models.IntegerField()
    rule_points = models.IntegerField()
    subject_type = models.CharField(max_length=20, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    credited_at = models.DateTimeField(default=timezone.now)
    key = models.CharField(max_length=200, unique=True)
    # CASCADE: rows go only with the member's account, original and reversal together.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversed_by"
    )
    reason = models.CharField(max_length=300, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["member", "-occurred_at", "-id"], name="activity_history"),
            models.Index(fields=["member", "credited_at"], name="activity_member_window"),
            models.Index(fields=["member", "verb", "credited_at"], name="activity_daily_cap"),
            models.Index(
                fields=["member", "actor", "verb", "credited_at"], name="activity_pair_cap"
            ),
            models.Index(fields=["subject_type", "subject_id"], name="activity_subject"),
            models.Index(fields=["verb", "credited_at"], name="activity_verb_window"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.verb} {self.points:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The activity ledger is append-only: write a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The activity ledger is append-only: write a reversing entry.")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def was_capped(self) -> bool:
        return abs(self.points) < abs(self.rule_points)


class MemberPoints(models.Model):
    """A member's standing, derived from the ledger and kept in step by its services.

    `balance` is every point ever; the 12-month figure is computed from the ledger when
    needed (it changes with the calendar). The tier fields hold the state of the member's
    earned tier (hysteresis needs to remember when they were promoted and warned);
    `User.tier` is what counts, the higher of the earned tier and an active grant.
    """

    member = models.OneToOneField(
        "members.User", primary_key=True, on_delete=models.CASCADE, related_name="points"
    )
    balance = models.IntegerField(default=0)
    earned_tier = models.ForeignKey(
        "members.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_since = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    demotion_warned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "member points"

    def __str__(self) -> str:
        return f"{self.member_id}: {self.balance}"


class MemberVerbTotal(models.Model):
    """How many times (net of reversals) a member earned a verb, and the points from it:
    what badge rules and "top by accepted answers" read without scanning the ledger."""

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=40)
    count = models.IntegerField(default=0)
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "verb"], name="member_verb_total_once"),
        ]
        indexes = [models.Index(fields=["verb", "-count"], name="member_verb_total_top")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.verb}: {self.count}"


class Badge(models.Model):
    """A badge: earned automatically when a counter reaches a threshold, or granted by a
    moderator (rule MANUAL). Each member holds a badge at most once."""

    class Grade(models.TextChoices):
        NONE = "", "None"
        BRONZE = "bronze", "Bronze"
        SILVER = "silver", "Silver"
        GOLD = "gold", "Gold"

    class Rule(models.TextChoices):
        MANUAL = "manual", "Granted by a moderator"
        POSTS = "posts", "Threads and replies written"
        ANSWERS_ACCEPTED = "answers_accepted", "Answers accepted"
        LIKES_RECEIVED = "likes_received", "Likes received"
        EVENTS_ATTENDED = "events_attended", "Events attended"
        REFERRALS_ACTIVATED = "referrals_activated", "Peers referred"
        TENURE_DAYS = "tenure_days", "Days of membership"

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=60, unique=True)
    description = models.CharField(max_length=200, help_text="How to earn it, for members.")
    grade = models.CharField(max_length=8, choices=Grade.choices, blank=True, default="")
    rule = models.CharField(max_length=24, choices=Rule.choices, default=Rule.MANUAL)
    threshold = models.PositiveIntegerField(
        default=0, help_text="For automatic rules: the count that earns the badge."
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    award_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule="manual") | Q(threshold__gte=1),
                name="badge_automatic_has_threshold",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.rule == self.Rule.MANUAL


class BadgeAward(models.Model):
    """A member holds a badge: once per (member, badge). `granted_by` is the moderator of a
    manual badge (None: earned by rule)."""

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="badges")
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    awarded_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "badge"], name="badge_award_once"),
        ]
        indexes = [
            models.Index(fields=["badge", "-awarded_at", "-id"], name="badge_award_holders"),
            models.Index(fields=["member", "-awarded_at"], name="badge_award_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.badge_id}"


class TierGrant(models.Model):
    """Staff put a member in a tier by hand (a paid or honorary VIP), with a reason, until
    `ends_at` (None: until revoked). While active, the member's tier is the higher of this
    and the tier they earned; when it ends, the normal rules apply again."""

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="tier_grants")
    tier = models.ForeignKey("members.Tier", on_delete=models.PROTECT, related_name="grants")
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(
        "members.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When its end was applied to the member's tier."
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["ends_at"], condition=Q(ended_at__isnull=True), name="tier_grant_due"
            ),
            models.Index(fields=["member", "-starts_at"], name="tier_grant_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="tier_grant_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.tier_id} until {self.ends_at}"


class TierHistory(models.Model):
    """Every change of a member's tier, append-only: what, from what, why, by whom."""

    class Change(models.TextChoices):
        PROMOTED = "promoted", "Promoted"
        DEMOTED = "demoted", "Demoted"
        GRANTED = "granted", "Granted by staff"
        GRANT_ENDED = "grant_ended", "Grant ended"

    member = models.ForeignKey(
        "members.User", on_delete=models.CASCADE, related_name="tier_history"
    )
    tier = models.ForeignKey(
        "members.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_tier = models.ForeignKey(
        "members.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.CharField(max_length=12, choices=Change.choices)
    is_earned = models.BooleanField(
        default=True, help_text="Moves the earned tier (points), not only the effective one."
    )
    points = models.IntegerField(default=0, help_text="12-month points at the change.")
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "tier history"
        indexes = [models.Index(fields=["member", "-changed_at", "-id"], name="tier_history")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.change} {self.tier_id}"
