"""Read-mostly admin for events: staff create, edit, publish and cancel events in the
product (/events/new/, the event page), where the rules, emails and calendars live; the
admin is for looking things up. Counters and state are read-only here."""

from django.contrib import admin
from django.db import models

from events.models import Event, Proposal, Question, Rating, Registration


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # for any model
    """Lists and details, no writes: every change has rules a service enforces."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "starts_at", "access", "capacity", "held_seat_count")
    list_filter = ("kind", "status", "access")
    search_fields = ("title",)
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("event", "member", "status", "waitlist_position", "registered_at")
    list_filter = ("status",)
    search_fields = ("member__handle", "event__title")
    raw_id_fields = ("event", "member")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("event", "status", "is_anonymous", "vote_count", "created_at")
    list_filter = ("status", "is_anonymous")
    raw_id_fields = ("event", "author")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("event", "member", "score", "updated_at")
    list_filter = ("score",)
    raw_id_fields = ("event", "member")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "proposer", "status", "pledge_count", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("proposer", "event", "decided_by")
