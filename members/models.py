"""Members: accounts, engineer profiles, tiers and notification preferences."""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from members.validators import (
    HANDLE_MAX_LENGTH,
    github_url,
    handle_validators,
    linkedin_url,
    validate_time_zone,
    web_url,
    youtube_url,
)


class Tier(models.Model):
    """A VIP tier. Higher rank is more senior.

    A tier with a points threshold is earned: a member reaches it with that many points over
    the last 12 months (and, if set, that many days of membership), and keeps it until they
    fall below 90% of it (members.loyalty.tiers). A tier without a threshold is only ever
    granted by staff (TierGrant).
    """

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True)
    points_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Points over the last 12 months that earn this tier. Empty: granted by "
        "staff only.",
    )
    minimum_tenure_days = models.PositiveIntegerField(
        default=0, help_text="Days of membership needed as well as the points (0: none)."
    )
    perks = models.TextField(
        blank=True, help_text="What members of this tier get, one perk a line (shown to members)."
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are matched without regard to case, as they are stored lower-cased.
        return self.get(email__iexact=username)

    def _create(self, email: str, handle: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        if not handle:
            raise ValueError("A handle is required.")
        user = self.model(email=normalize_email(email), handle=handle, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str, handle: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, handle, password, **extra)

    def create_superuser(
        self, email: str, handle: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, handle, password, **extra)


def normalize_email(email: str) -> str:
    """Emails are stored trimmed and lower-cased so that one inbox is one account."""
    return email.strip().lower()


class SkillLevel(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"
    EXPERT = "expert", "Expert"


class ContentGoal(models.TextChoices):
    BLOG = "blog", "Blog posts"
    VIDEO = "video", "Videos"
    TALKS = "talks", "Talks"
    NEWSLETTER = "newsletter", "Newsletter"
    COURSE = "course", "Courses"
    EBOOK = "ebook", "Ebooks"
    OPEN_SOURCE = "open_source", "Open source"
    PODCAST = "podcast", "Podcast"


#: One vocabulary: a content goal and the topic of the same craft are one interest. Members
#: say what they create as goals; the matching topics (which threads and events are tagged
#: with) are followed in step (members.services), and profile forms offer only the rest.
GOAL_TOPICS: dict[str, str] = {
    ContentGoal.BLOG: "technical-writing",
    ContentGoal.VIDEO: "video",
    ContentGoal.TALKS: "public-speaking",
    ContentGoal.NEWSLETTER: "newsletters",
    ContentGoal.COURSE: "courses",
    ContentGoal.OPEN_SOURCE: "open-source",
}


class ProfileVisibility(models.TextChoices):
    EVERYONE = "everyone", "Everyone, including visitors"
    MEMBERS = "members", "Signed-in members only"


#: suspended_until for a suspension "for good" (lifted only by staff or a moderator).
SUSPENDED_FOR_GOOD = datetime(9999, 1, 1, tzinfo=UTC)


class EmailMode(models.TextChoices):
    """When a member hears of one kind of notification by email."""

    IMMEDIATELY = "immediately", "Right away"
    DIGEST = "digest", "In my digest"
    NEVER = "never", "Never"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    NEVER = "never", "Never"


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Signs in by email; is @mentioned by handle.

    The engineer profile lives on the same row: every page that shows a member shows their
    profile, so one row (and no extra join) serves them all.
    """

    email = models.EmailField("email address", unique=True)
    handle = models.CharField(
        max_length=HANDLE_MAX_LENGTH,
        validators=handle_validators,
        help_text="Your @name: letters, digits and underscores. Not case-sensitive.",
    )
    display_name = models.CharField(max_length=80, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Whether one of the member's email addresses (allauth's EmailAddress rows) is verified.
    # Kept in step by members.signals on every change to those rows; the access policy reads
    # it from the row the auth middleware already loaded, at no extra query.
    has_verified_email = models.BooleanField(default=False, editable=False)
    # Moderation: a forum-wide moderator (staff moderate too), and whether the member also
    # moderates chosen categories (kept in step by community's appoint/remove services, so a
    # viewer who moderates nothing costs no query to find their categories).
    is_moderator = models.BooleanField(
        "forum-wide moderator",
        default=False,
        help_text="Moderates every category. Appoint category moderators on the category.",
    )
    moderates_categories = models.BooleanField(default=False, editable=False)
    # A suspended member reads but cannot write. Time-based: the suspension ends by itself
    # when suspended_until passes; "for good" is the far future (SUSPENDED_FOR_GOOD).
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    # When the new-member limits lifted (community.trust decides; set once, never unset).
    limits_lifted_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    # Profile
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True, max_length=5000, help_text="Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    avatar_small = models.ImageField(upload_to="avatars/", blank=True)
    skill_level = models.CharField(max_length=16, choices=SkillLevel, blank=True)
    topics = models.ManyToManyField("core.Topic", blank=True, related_name="members")
    website_url = models.URLField("personal site", blank=True, validators=[web_url])
    blog_url = models.URLField("blog", blank=True, validators=[web_url])
    youtube_url = models.URLField("YouTube", blank=True, validators=[youtube_url])
    github_url = models.URLField("GitHub", blank=True, validators=[github_url])
    social_url = models.URLField("Mastodon or Bluesky", blank=True, validators=[web_url])
    linkedin_url = models.URLField("LinkedIn", blank=True, validators=[linkedin_url])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    birthday_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_day = models.PositiveSmallIntegerField(null=True, blank=True)
    shows_birthday = models.BooleanField("show my birthday on my profile", default=False)
    profile_visibility = models.CharField(
        max_length=16, choices=ProfileVisibility, default=ProfileVisibility.EVERYONE
    )
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    onboarded_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(default=timezone.now)

    # Email digest: in the member's own morning, on their chosen day (weekly).
    digest_frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    digest_weekday = models.PositiveSmallIntegerField(
        default=0, help_text="0 is Monday (for a weekly digest)."
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["handle"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                name="user_handle_unique_ci",
                violation_error_message="That handle is taken.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message="An account with this email address already exists.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(birthday_month__isnull=True, birthday_day__isnull=True)
                    | Q(birthday_month__range=(1, 12), birthday_day__range=(1, 31))
                ),
                name="user_birthday_month_and_day",
                violation_error_message="Give both a month and a day, or neither.",
            ),
        ]
        indexes = [
            models.Index(fields=["-last_active_at", "-id"], name="user_recent_activity"),
            # The few accounts boards do not rank (leaderboards.selectors.unranked): a
            # viewer's place subtracts them without joining every row above to its member.
            models.Index(
                fields=["id"],
                condition=Q(is_active=False) | Q(is_staff=True) | Q(suspended_until__isnull=False),
                name="user_not_ranked",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_suspended(self) -> bool:
        """Suspended right now: ends by itself once suspended_until has passed."""
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_suspended_for_good(self) -> bool:
        return self.suspended_until is not None and self.suspended_until >= SUSPENDED_FOR_GOOD

    @property
    def name(self) -> str:
        """What to call the member on pages: the display name, or the handle."""
        return self.display_name or self.handle

    @property
    def links(self) -> dict[str, str]:
        """The member's content links by kind, empty ones included (API and export names)."""
        return {
            "website": self.website_url,
            "blog": self.blog_url,
            "youtube": self.youtube_url,
            "github": self.github_url,
            "mastodon_or_bluesky": self.social_url,
            "linkedin": self.linkedin_url,
        }

    @property
    def initials(self) -> str:
        """Up to two letters for the generated avatar."""
        words = [w for w in self.name.replace("_", " ").split() if w[:1].isalnum()]
        letters = "".join(w[0] for w in words[:2]) if len(words) > 1 else self.name[:2]
        return letters.upper()

    @property
    def avatar_hue(self) -> int:
        """A stable colour (0-359) for the generated avatar, from the handle."""
        digest = hashlib.blake2s(self.handle.lower().encode(), digest_size=2).digest()
        return int.from_bytes(digest, "big") % 360

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")


#: Profile fields a member edits directly (topics and goals have their own arguments).
PROFILE_FIELDS = (
    "display_name",
    "headline",
    "bio",
    "skill_level",
    "website_url",
    "blog_url",
    "youtube_url",
    "github_url",
    "social_url",
    "linkedin_url",
    "time_zone",
    "birthday_month",
    "birthday_day",
    "shows_birthday",
    "profile_visibility",
)


class MemberGoal(models.Model):
    """One content goal of a member (a row each, so the directory can filter on it)."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="goals")
    goal = models.CharField(max_length=16, choices=ContentGoal)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "goal"], name="member_goal_once"),
        ]
        indexes = [models.Index(fields=["goal", "member"], name="member_goal_lookup")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.goal}"


class NotificationSetting(models.Model):
    """A member's choice for one kind of message. No row means the kind's default."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=40)
    email = models.CharField(
        max_length=12, choices=EmailMode.choices, default=EmailMode.IMMEDIATELY
    )
    on_site = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="notification_setting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind}"


class Notification(models.Model):
    """Something a member should hear about: in the inbox, and by email as they chose.

    What it is about is a typed reference (`target_type`, `target_id`) that the app owning
    it resolves when the notification is shown or emailed (members.hooks.TargetResolver),
    so a member who can no longer see the target learns nothing about it. `key` makes it
    idempotent: one row per (recipient, key), whoever retries. Unread notifications with
    the same `group_key` share a `group_token` and show as one line ("4 new replies in …").
    """

    class EmailState(models.TextChoices):
        PENDING = "pending", "Waiting for its window"
        QUEUED = "queued", "Email queued"
        SKIPPED = "skipped", "Seen in the app first"
        DIGEST = "digest", "Left for the digest"
        DIGESTED = "digested", "Sent in a digest"
        NONE = "none", "No email"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    scope = models.CharField(
        max_length=60, blank=True, help_text='Reading it marks this read, e.g. "thread:12".'
    )
    group_key = models.CharField(max_length=80)
    group_token = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    excerpt = models.CharField(max_length=300, blank=True)
    is_shown = models.BooleanField(default=True, help_text="In the inbox (the member's choice).")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_group",
            ),
            models.Index(
                fields=["recipient", "scope"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_scope",
            ),
            models.Index(
                fields=["email_due_at"],
                condition=Q(email_state="pending"),
                name="notification_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.target_type} {self.target_id}"


class UnsubscribeFeedback(models.Model):
    """What a member chose on an unsubscribe page, and why if they said (for staff)."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    choice = models.CharField(max_length=40)
    reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind} {self.choice}"


# The loyalty models (ledger, rules, badges, tier history) live in members.loyalty.models,
# the leaderboards' summaries and the referrals in their own packages; importing them here
# registers them with the members app (at the end: they name User and Tier).
import members.celebrations.models  # noqa: E402  # imported for its models, see above
import members.leaderboards.models  # noqa: E402  # imported for its models, see above
import members.loyalty.models  # noqa: E402  # imported for its models, see above
import members.referrals.models  # noqa: E402  # imported for its models, see above
import members.rewards.models  # noqa: E402, F401  # imported for its models, see above
