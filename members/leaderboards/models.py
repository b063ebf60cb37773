"""Leaderboard summaries, derived from the activity ledger.

The ledger's writers move them with every entry (members.leaderboards.standings.move), and
`standings.rebuild` recomputes them exactly from the ledger. One row per member and period
(`all` is one period that never ends), and one per member and topic: each board is then a
walk down one index, whatever the size of the ledger.
"""

from __future__ import annotations

from django.db import models


class MemberPeriodPoints(models.Model):
    """The points a member earned in one calendar period (the community's time zone): the
    week starting Monday `starts_on`, the month starting `starts_on`, or all time."""

    class Period(models.TextChoices):
        WEEK = "week", "This week"
        MONTH = "month", "This month"
        ALL = "all", "All time"

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=5, choices=Period.choices)
    starts_on = models.DateField()
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "member period points"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "member"], name="member_period_points_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["period", "starts_on", "-points", "member"], name="period_points_board"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period} {self.starts_on}: {self.points}"


class MemberTopicPoints(models.Model):
    """The points a member earned, all time, through activity about one topic (a thread or
    an event tagged with it, as tagged when the points were credited)."""

    member = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("core.Topic", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "member topic points"
        constraints = [
            models.UniqueConstraint(fields=["topic", "member"], name="member_topic_points_once"),
        ]
        indexes = [
            models.Index(fields=["topic", "-points", "member"], name="topic_points_board"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.topic_id}: {self.points}"
