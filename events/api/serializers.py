"""Output shapes of the events API; inputs live on their views. Every field comes from a
screen selector, so the API shows exactly what the pages show (the join link only to seat
holders and hosts, anonymous authors hidden from other members)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

HANDLE_HELP = "A handle, or null (a former member, or an anonymous question's author)."


def absolute(path: str) -> str:
    base: str = settings.SITE_URL
    return base.rstrip("/") + path


class EventSummarySerializer(serializers.Serializer[Any]):
    """An event as lists show it (a row of an event list screen)."""

    id = serializers.IntegerField(source="event.pk")
    title = serializers.CharField(source="event.title")
    kind = serializers.CharField(source="event.kind")
    status = serializers.CharField(source="event.status")
    starts_at = serializers.DateTimeField(source="event.starts_at")
    ends_at = serializers.DateTimeField(source="event.ends_at")
    time_zone = serializers.CharField(source="event.time_zone", help_text="The event's own.")
    when = serializers.CharField(help_text="The times in the viewer's zone, as pages show them.")
    access = serializers.CharField(source="event.access")
    minimum_tier = serializers.CharField(
        source="event.minimum_tier.slug", allow_null=True, default=None
    )
    capacity = serializers.IntegerField(source="event.capacity", allow_null=True)
    seats_left = serializers.IntegerField(source="event.seats_left", allow_null=True)
    is_full = serializers.BooleanField()
    hosts = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    my_status = serializers.CharField(
        help_text="The viewer's registration: confirmed, offered, waitlisted, attended, "
        "cancelled, or empty."
    )
    has_early_access = serializers.BooleanField(
        help_text="Registration is open to the viewer early (their tier)."
    )
    url = serializers.SerializerMethodField()
    recording_url = serializers.CharField(source="event.recording_url")

    def get_hosts(self, row: Any) -> list[str]:
        return [host.handle for host in row.event.hosts.all()]

    def get_topics(self, row: Any) -> list[str]:
        return [topic.slug for topic in row.event.topics.all()]

    def get_url(self, row: Any) -> str:
        return absolute(row.url)


class RegistrationStateSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    waitlist_place = serializers.IntegerField(allow_null=True)
    offer_expires_at = serializers.DateTimeField(allow_null=True)
    registered_at = serializers.DateTimeField()


class EventPermissionsSerializer(serializers.Serializer[Any]):
    can_register = serializers.BooleanField()
    can_cancel = serializers.BooleanField()
    can_claim = serializers.BooleanField()
    can_decline = serializers.BooleanField()
    can_ask = serializers.BooleanField(help_text="Ask AMA questions.")
    can_moderate = serializers.BooleanField(help_text="Manage the AMA's questions.")
    can_run = serializers.BooleanField(help_text="The host dashboard: attendees, check-in.")
    can_manage = serializers.BooleanField(help_text="Edit, publish, cancel (staff).")
    can_check_in = serializers.BooleanField(help_text="Check in with the event's code now.")
    can_rate = serializers.BooleanField()
    sees_join_link = serializers.BooleanField()


class EventDetailSerializer(serializers.Serializer[Any]):
    """One event (the event screen)."""

    id = serializers.IntegerField(source="event.pk")
    title = serializers.CharField(source="event.title")
    kind = serializers.CharField(source="event.kind")
    status = serializers.CharField(source="event.status")
    description = serializers.CharField(source="event.description", help_text="Markdown.")
    description_html = serializers.CharField(
        source="event.description_html", help_text="Safe HTML rendered from the Markdown."
    )
    starts_at = serializers.DateTimeField(source="event.starts_at")
    ends_at = serializers.DateTimeField(source="event.ends_at")
    time_zone = serializers.CharField(source="event.time_zone")
    when = serializers.CharField(help_text="In the viewer's zone.")
    when_event_zone = serializers.CharField(help_text="In the event's own zone.")
    place = serializers.CharField(source="event.place")
    access = serializers.CharField(source="event.access")
    capacity = serializers.IntegerField(source="event.capacity", allow_null=True)
    seats_left = serializers.IntegerField(allow_null=True)
    is_full = serializers.BooleanField()
    hosts = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField(
        help_text="Only for confirmed registrants and hosts; null for everyone else."
    )
    registration = serializers.SerializerMethodField()
    permissions = EventPermissionsSerializer()
    registration_note = serializers.CharField(help_text="Why registration is not open, if not.")
    early_access = serializers.CharField(source="early_access_label")
    calendar_url = serializers.SerializerMethodField()
    google_calendar_url = serializers.CharField(source="google_url")
    outlook_calendar_url = serializers.CharField(source="outlook_url")
    discussion_url = serializers.SerializerMethodField()
    recording_url = serializers.CharField(source="event.recording_url")
    cover_url = serializers.SerializerMethodField()

    def get_hosts(self, screen: Any) -> list[str]:
        return [host.handle for host in screen.hosts]

    def get_topics(self, screen: Any) -> list[str]:
        return [topic.slug for topic in screen.event.topics.all()]

    def get_join_url(self, screen: Any) -> str | None:
        return screen.join_url or None

    def get_registration(self, screen: Any) -> dict[str, Any] | None:
        registration = screen.registration
        if registration is None:
            return None
        return dict(
            RegistrationStateSerializer(
                {
                    "status": registration.status,
                    "waitlist_place": screen.waitlist_place,
                    "offer_expires_at": registration.offer_expires_at,
                    "registered_at": registration.registered_at,
                }
            ).data
        )

    def get_calendar_url(self, screen: Any) -> str:
        return absolute(screen.calendar_url)

    def get_discussion_url(self, screen: Any) -> str | None:
        return absolute(screen.thread_url) if screen.thread_url else None

    def get_cover_url(self, screen: Any) -> str | None:
        return absolute(screen.event.cover.url) if screen.event.cover else None


class QuestionSerializer(serializers.Serializer[Any]):
    """An AMA question as the viewer may see it (a question row)."""

    id = serializers.IntegerField(source="question.pk")
    body = serializers.CharField(source="question.body")
    status = serializers.CharField(source="question.status")
    is_anonymous = serializers.BooleanField(source="question.is_anonymous")
    author = serializers.CharField(
        source="author.handle", allow_null=True, default=None, help_text=HANDLE_HELP
    )
    vote_count = serializers.IntegerField(source="question.vote_count")
    has_voted = serializers.BooleanField()
    can_vote = serializers.BooleanField()
    is_starred = serializers.BooleanField(source="question.is_starred")
    answer_url = serializers.CharField(source="question.answer_url")
    answer_at_seconds = serializers.IntegerField(
        source="question.answer_at_seconds", allow_null=True
    )
    created_at = serializers.DateTimeField(source="question.created_at")
    answered_at = serializers.DateTimeField(source="question.answered_at", allow_null=True)


class AttendeeSerializer(serializers.Serializer[Any]):
    """A seat holder on the host's list."""

    id = serializers.IntegerField(help_text="The registration's id (for check-in).")
    handle = serializers.CharField(source="member.handle")
    name = serializers.CharField(source="member.name")
    status = serializers.CharField(help_text="confirmed or attended")
    attended_at = serializers.DateTimeField(allow_null=True)


class RatingSummarySerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text='How many of each score, "1" to "5".'
    )
