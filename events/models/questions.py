"""AMA questions and their votes, and attendees' ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.models.events import Event
from members.validators import web_url


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
