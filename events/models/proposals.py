"""Member-proposed masterclasses, their dates and pledges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import Topic
from events.models.events import Event


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
