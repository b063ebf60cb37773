"""Events: AMAs, webinars, masterclasses and meetups, their registrations and waitlists,
reminders, AMA questions, ratings, and member-proposed masterclasses.

Invariants the database holds (not only Python): seats held never exceed the capacity
(a check constraint on the counter kept with F() under the event's row lock), one
registration per member and event, one waitlist position per place in the line, one vote
per member and question, one question "now answering" per event, one reminder per event,
offset, start time and member.
"""

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


class Registration(models.Model):
    """A member's place at an event: a seat (confirmed, then attended), a seat offered from
    the waitlist, a place in the waitlist, or cancelled. One row per member and event:
    registering again after cancelling brings the same row back."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        OFFERED = "offered", "Seat offered"
        WAITLISTED = "waitlisted", "Waitlisted"
        ATTENDED = "attended", "Attended"
        CANCELLED = "cancelled", "Cancelled"

    class Ending(models.TextChoices):
        """Why a registration ended (for cancelled ones)."""

        MEMBER = "member", "Cancelled by the member"
        DECLINED = "declined", "Declined the offered seat"
        EXPIRED = "expired", "Did not claim the offered seat in time"

    #: Statuses that hold a seat (counted in Event.held_seat_count).
    HOLDS_SEAT = (Status.CONFIRMED, Status.ATTENDED, Status.OFFERED)
    #: Statuses that see the join link and get reminders.
    HAS_SEAT = (Status.CONFIRMED, Status.ATTENDED)
    #: Every status but cancelled.
    ACTIVE = (Status.CONFIRMED, Status.ATTENDED, Status.OFFERED, Status.WAITLISTED)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )  # indexed by the unique (event, member) constraint
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    ending = models.CharField(max_length=10, choices=Ending.choices, blank=True)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    attendance_credited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the attendance was handed to the loyalty ledger (once).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="registration_once"),
            models.UniqueConstraint(
                fields=["event", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="registration_waitlist_position_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlist_position__isnull=False),
                name="registration_waitlisted_has_position",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlist_position"], name="registration_line"),
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="registration_offer_due",
            ),
            models.Index(fields=["member", "status"], name="registration_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.event_id}: {self.status}"

    @property
    def has_seat(self) -> bool:
        return self.status in self.HAS_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ReminderRun(models.Model):
    """One reminder of one event at one start time, handed out to workers: the sweeper's
    claim (two sweepers never fan out the same run at once) and its progress."""

    class Offset(models.TextChoices):
        DAY = "24h", "24 hours before"
        HOUR = "1h", "1 hour before"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminder_runs")
    offset = models.CharField(max_length=4, choices=Offset.choices)
    starts_at = models.DateTimeField(help_text="The start time this run reminds of.")
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "offset", "starts_at"], name="reminder_run_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offset} reminder of {self.event_id}"


class Reminder(models.Model):
    """One reminder handled for one member: recorded per event, offset, start time and
    member, so however often the sweeper and workers run, each is handled once. A moved
    start is a new start time, so its reminders are armed afresh. `is_emailed` is False
    when the member turned reminder emails off."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offset = models.CharField(max_length=4, choices=ReminderRun.Offset.choices)
    starts_at = models.DateTimeField()
    is_waitlist_note = models.BooleanField(
        default=False, help_text="A still-waiting note to a waitlisted member, not a reminder."
    )
    is_emailed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "offset", "starts_at", "member"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offset} reminder of {self.event_id} for {self.member_id}"


class Question(models.Model):
    """A question asked before or during an AMA. Anonymous ones hide the author from other
    members (never from hosts and moderators) and wait for a host's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        OPEN = "open", "Open"
        ANSWERING = "answering", "Now answering"
        ANSWERED = "answered", "Answered"
        ARCHIVED = "archived", "Archived"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=1000)
    is_anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    is_starred = models.BooleanField(default=False, help_text="Queued by a host.")
    vote_count = models.PositiveIntegerField(default=0)
    answer_url = models.URLField(max_length=500, blank=True, validators=[web_url])
    answer_at_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Where in the recording it was answered."
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status="answering"),
                name="question_one_answering_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "-vote_count", "-id"], name="question_by_votes"),
        ]

    def __str__(self) -> str:
        return f"Question {self.pk} at {self.event_id}"

    @property
    def answer_at_label(self) -> str:
        """Where in the recording it was answered: "12:34", "1:02:03", or ""."""
        if self.answer_at_seconds is None:
            return ""
        hours, rest = divmod(self.answer_at_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class QuestionVote(models.Model):
    """One member's upvote of one question."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="votes", db_index=False
    )  # indexed by the unique (question, member) constraint
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="question_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} voted {self.question_id}"


class Rating(models.Model):
    """An attendee's one-question rating of an event: 1 to 5 and an optional comment."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ratings")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="rating_score_1_to_5",
                violation_error_message="Rate from 1 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.event_id}"


class CalendarFeed(models.Model):
    """A member's private calendar feed. The URL carries a signed value of the member and
    `nonce`; a new nonce revokes every URL handed out before."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=32, default=secrets.token_hex)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.member_id}"


class Proposal(models.Model):
    """A masterclass a member offers to give. Members pledge "I'd attend"; staff approve
    it into an event with the member as host, or decline it."""

    class Status(models.TextChoices):
        OPEN = "open", "Collecting pledges"
        SCHEDULED = "scheduled", "Scheduled"
        DECLINED = "declined", "Declined"

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_proposals"
    )
    title = models.CharField(max_length=200)
    outline = models.TextField(max_length=10_000, help_text="Markdown.")
    outline_html = models.TextField(blank=True, editable=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    pledge_count = models.PositiveIntegerField(default=0)
    event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="proposal_duration_15_to_480",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:proposal", args=[self.pk])


class ProposalOption(models.Model):
    """One date the proposer could give the masterclass on."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "starts_at"], name="proposal_option_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class Pledge(models.Model):
    """A member's "I'd attend" for a proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="pledges", db_index=False
    )  # indexed by the unique (proposal, member) constraint
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="pledge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} pledged {self.proposal_id}"
