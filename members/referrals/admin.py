"""Staff review of referrals: every referral listed, the flagged ones waiting for a
decision filterable, and approve/reject as actions that go through the review service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.exceptions import DomainError
from members.models import User
from members.referrals.models import Referral
from members.referrals.services import review_referral


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("waiting", "Flagged, waiting for a decision"), ("flagged", "Flagged (all)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        if self.value() == "waiting":
            return queryset.exclude(flag_reasons="").filter(
                reviewed_at__isnull=True, status=Referral.Status.PENDING
            )
        if self.value() == "flagged":
            return queryset.exclude(flag_reasons="")
        return queryset


def _review(request: HttpRequest, queryset: QuerySet[Referral], *, approve: bool) -> None:
    reviewer = request.user
    assert isinstance(reviewer, User)  # noqa: S101  # the admin is for signed-in staff
    decided = 0
    for referral_id in queryset.values_list("pk", flat=True):
        try:
            review_referral(referral_id=referral_id, reviewer=reviewer, approve=approve)
            decided += 1
        except DomainError as error:
            messages.warning(request, f"Referral {referral_id}: {error.message}")
    if decided:
        verb = "approved" if approve else "rejected"
        messages.success(request, f"{decided} referral{'s' if decided != 1 else ''} {verb}.")


@admin.action(description="Approve the selected flagged referrals (rewarded once active)")
def approve_referrals(
    model_admin: admin.ModelAdmin[Referral], request: HttpRequest, queryset: QuerySet[Referral]
) -> None:
    _review(request, queryset, approve=True)


@admin.action(description="Reject the selected flagged referrals (never rewarded)")
def reject_referrals(
    model_admin: admin.ModelAdmin[Referral], request: HttpRequest, queryset: QuerySet[Referral]
) -> None:
    _review(request, queryset, approve=False)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin[Referral]):
    list_display = (
        "id",
        "referrer",
        "referred",
        "status",
        "flag_reasons",
        "refusal_reason",
        "created_at",
        "activated_at",
        "referrer_points",
        "referred_points",
        "reviewed_by",
    )
    list_filter = (AwaitingReviewFilter, "status", "act")
    list_select_related = ("referrer", "referred", "reviewed_by")
    search_fields = ("referrer__handle", "referred__handle")
    actions = (approve_referrals, reject_referrals)
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Referral | None = None) -> bool:
        return False  # decided through the actions, which reward through the ledger

    def has_delete_permission(self, request: HttpRequest, obj: Referral | None = None) -> bool:
        return False
