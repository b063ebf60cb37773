"""Celebrations: a member's membership anniversary and birthday, remembered once a year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Celebration(models.Model):
    """One anniversary or birthday greeting: at most one per member, kind and year (the
    unique constraint is what makes any number of concurrent runs greet once).

    `on_date` is the member's local date it was for (28 February for a 29 February date in
    other years); `years` the years of membership (anniversaries); `summary` the "your year
    at Hearth" figures the email showed."""

    class Kind(models.TextChoices):
        ANNIVERSARY = "anniversary", "Membership anniversary"
        BIRTHDAY = "birthday", "Birthday"

    member = models.ForeignKey(
        "members.User", on_delete=models.CASCADE, related_name="celebrations"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    on_date = models.DateField()
    years = models.PositiveSmallIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "year"], name="celebration_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.year}"

    @property
    def title(self) -> str:
        """How the greeting reads in the inbox."""
        if self.kind == self.Kind.BIRTHDAY:
            return f"Happy birthday from everyone at {settings.SITE_NAME}!"
        plural = "s" if self.years != 1 else ""
        return f"Happy anniversary: {self.years} year{plural} at {settings.SITE_NAME} today!"
