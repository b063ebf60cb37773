"""Loyalty in the admin: staff set the point rules, badges and tiers (reference data); the
ledger, awards, summaries and tier history are read-only (the services write them); tier
grants are added (and revoked) through the service that applies them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from members.loyalty import periods, tiers
from members.loyalty.models import (
    Activity,
    Badge,
    BadgeAward,
    MemberPoints,
    PointRule,
    TierGrant,
    TierHistory,
)
from members.models import Tier, User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # for any model
    """Lists and details, no writes: the ledger and what is derived from it."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("verb", "points", "daily_cap", "weekly_cap_per_giver", "is_active")
    list_editable = ("points", "daily_cap", "weekly_cap_per_giver", "is_active")
    readonly_fields = ("verb",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # verbs come with the code that records them

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "rank", "points_threshold", "minimum_tenure_days")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "grade", "rule", "threshold", "award_count", "is_active")
    list_filter = ("rule", "grade", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("award_count",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # awards keep it; deactivate it instead


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "member", "verb", "points", "rule_points", "actor", "reason")
    list_filter = ("verb",)
    search_fields = ("member__handle", "key")
    raw_id_fields = ("member", "actor", "reverses")
    date_hierarchy = "occurred_at"


@admin.register(BadgeAward)
class BadgeAwardAdmin(ReadOnlyAdmin):
    list_display = ("awarded_at", "member", "badge", "granted_by", "reason")
    list_filter = ("badge",)
    search_fields = ("member__handle",)
    raw_id_fields = ("member", "granted_by")


@admin.register(MemberPoints)
class MemberPointsAdmin(ReadOnlyAdmin):
    list_display = ("member", "balance", "earned_tier", "tier_since", "demotion_warned_at")
    search_fields = ("member__handle",)
    raw_id_fields = ("member",)


@admin.register(TierHistory)
class TierHistoryAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "member", "change", "previous_tier", "tier", "points", "actor")
    list_filter = ("change", "tier")
    search_fields = ("member__handle",)
    raw_id_fields = ("member", "actor")


class TierGrantForm(forms.ModelForm[TierGrant]):
    """The grant service's rules, as form errors (the admin keeps what staff typed)."""

    class Meta:
        model = TierGrant
        fields = ("member", "tier", "reason", "ends_at")

    def clean_ends_at(self) -> Any:
        ends_at = self.cleaned_data.get("ends_at")
        if ends_at is not None and ends_at <= periods.now():
            raise forms.ValidationError("Choose an end date in the future.")
        return ends_at

    def clean_member(self) -> Any:
        member = self.cleaned_data.get("member")
        if member is not None and not member.is_active:
            raise forms.ValidationError("This account is closed.")
        return member


@admin.register(TierGrant)
class TierGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Add a grant (member, tier, reason, end): the service applies it at once. Grants are
    not edited; revoke one (the action) and add another."""

    list_display = ("member", "tier", "reason", "starts_at", "ends_at", "ended_at", "granted_by")
    list_filter = ("tier",)
    search_fields = ("member__handle",)
    raw_id_fields = ("member",)
    form = TierGrantForm
    fields = ("member", "tier", "reason", "ends_at")
    actions = ("revoke",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TierGrant, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # noqa: S101  # the admin requires staff login
        grant = tiers.grant_tier(
            staff=request.user,
            member_id=obj.member_id,
            tier_id=obj.tier_id,
            reason=obj.reason,
            ends_at=obj.ends_at,
        )
        obj.pk = grant.pk

    @admin.action(description="Revoke the selected grants (the tier rules apply again)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[TierGrant]) -> None:
        assert isinstance(request.user, User)  # noqa: S101  # the admin requires staff login
        for grant in queryset:
            tiers.revoke_tier_grant(staff=request.user, grant_id=grant.pk)
        messages.success(request, f"Revoked {queryset.count()} grant(s).")
