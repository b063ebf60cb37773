"""An event: what it is, when, for whom, how many seats, and its state."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.models import Topic
from members.models import Tier
from members.validators import validate_time_zone, web_url

#: The event pages' own path segments (events/<id>/<segment>/), never a title's slug.
RESERVED_SLUGS = frozenset(
    {
        "edit",
        "publish",
        "cancel-event",
        "cover",
        "register",
        "cancel",
        "claim",
        "decline",
        "check-in",
        "rate",
        "questions",
        "host",
    }
)


def new_attendance_code() -> str:
    """Six characters members type to check themselves in (no 0/O, 1/I look-alikes)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Event(models.Model):
    """One event. Times are stored in UTC; `time_zone` is the event's own, for its calendar
    entry and "local to the event" times. Access is decided by events.policies alone."""

    class Kind(models.TextChoices):
        AMA = "ama", "AMA"
        WEBINAR = "webinar", "Webinar"
        MASTERCLASS = "masterclass", "Masterclass"
        MEETUP = "meetup", "Meetup"

    class Access(models.TextChoices):
        PUBLIC = "public", "Everyone, including visitors"
        MEMBERS = "members", "Signed-in members"
        TIER = "tier", "Members of a minimum tier"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.WEBINAR)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hosted_events"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats; empty means unlimited."
    )
    access = models.CharField(max_length=8, choices=Access.choices, default=Access.PUBLIC)
    minimum_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    early_access_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Members of this tier or higher may register before everyone else.",
    )
    early_access_opens_at = models.DateTimeField(null=True, blank=True)
    registration_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: open from publishing."
    )
    registration_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: open until the start."
    )
    join_url = models.URLField(
        "join link",
        max_length=500,
        blank=True,
        validators=[web_url],
        help_text="Shown only to confirmed registrants and hosts.",
    )
    place = models.CharField(max_length=200, blank=True, help_text="A venue, for meetups.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    cover = models.ImageField(upload_to="events/", blank=True)
    thread = models.OneToOneField(
        "community.Thread",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
        help_text="The discussion thread, created when the event is published.",
    )
    recap_post = models.OneToOneField(
        "community.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recording_url = models.URLField(max_length=500, blank=True, validators=[web_url])
    recording_shared_at = models.DateTimeField(null=True, blank=True)
    held_seat_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Seats taken: confirmed, attended, and offered to the waitlist.",
    )
    waitlist_sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="The last waitlist position handed out."
    )
    questions_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped on every change to the AMA's questions."
    )
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="The calendar entry's SEQUENCE (RFC 5545)."
    )
    attendance_code = models.CharField(max_length=8, default=new_attendance_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    schedule_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the start or end last moved (reminders due before it are skipped: "
        "the change email told everyone).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message="The event must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message="Give at least one seat, or leave it unlimited.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(held_seat_count__lte=F("capacity")),
                name="event_never_overbooked",
                violation_error_message="The event is full.",
            ),
            models.CheckConstraint(
                condition=~Q(access="tier") | Q(minimum_tier__isnull=False),
                name="event_tier_access_names_a_tier",
                violation_error_message="A tier-only event needs its minimum tier.",
            ),
            models.CheckConstraint(
                condition=Q(early_access_tier__isnull=True, early_access_opens_at__isnull=True)
                | Q(early_access_tier__isnull=False, early_access_opens_at__isnull=False),
                name="event_early_access_tier_and_time",
                violation_error_message="Early access needs both a tier and an opening time.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["status", "-ends_at"], name="event_status_end"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        slug = slugify(self.title) or "event"
        # A title like "Edit!" must not send its page's address to the edit view.
        return f"{slug}-event" if slug in RESERVED_SLUGS else slug

    @property
    def is_ama(self) -> bool:
        return self.kind == self.Kind.AMA

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def seats_left(self) -> int | None:
        """Free seats now; None when unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.held_seat_count, 0)
