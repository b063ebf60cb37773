"""Shared primitives. core depends on nothing else of ours."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Delivery(models.Model):
    """One message a person must get once: the idempotency ledger for every email.

    A row is unique per (recipient, kind, key), so enqueueing the same message twice or
    running the send task twice never sends a second copy. The rendered message is stored
    so the task needs only the row id.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent: the address bounces or complained"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        help_text="The member, when the address belongs to one.",
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=998)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra headers to send.")
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text="Small text attachments: [{filename, content, mimetype}] (a calendar entry).",
    )
    is_transactional = models.BooleanField(
        default=True,
        help_text="Account and security mail: no unsubscribe link, sent despite a complaint.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(
        default=timezone.now, help_text="When a send task was last put on the queue."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=Q(recipient__isnull=False),
                name="delivery_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["to_email", "kind", "key"],
                condition=Q(recipient__isnull=True),
                name="delivery_once_per_address",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="delivery_status_created"),
            models.Index(fields=["status", "queued_at"], name="delivery_status_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.status})"


class Topic(models.Model):
    """A niche of the shared taxonomy (Python, DevOps, Technical writing…).

    Profiles, threads, events and recommendations all speak in these terms.
    """

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EmailHealth(models.Model):
    """What the mail provider reported about one address: bounces and complaints.

    Hard bounces count 2, soft ones 1; at SUPPRESS_AT Hearth stops emailing the address.
    The score counts only while bounces keep coming: 30 days after the last one it is 0
    again. A complaint (marked as spam) stops every non-transactional email for good.
    """

    address = models.EmailField(unique=True)
    bounce_score = models.PositiveSmallIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    last_bounce_reason = models.CharField(max_length=300, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "email health"

    def __str__(self) -> str:
        return f"{self.address}: {self.bounce_score}"
