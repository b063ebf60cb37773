"""Registrations (seats and the waitlist), reminders handled, private calendar feeds."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.models.events import Event


def new_feed_nonce() -> str:
    """32 hex characters: what a feed URL's signature covers besides the member."""
    return secrets.token_hex(16)


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


class CalendarFeed(models.Model):
    """A member's private calendar feed. The URL carries a signed value of the member and
    `nonce`; a new nonce revokes every URL handed out before."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=32, default=new_feed_nonce)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.member_id}"
