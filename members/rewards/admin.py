"""The audit of moderator rewards: every reward, read-only (reversed through the API or
the service, which writes the reversing ledger entry)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from members.rewards.models import ModeratorReward


@admin.register(ModeratorReward)
class ModeratorRewardAdmin(admin.ModelAdmin[ModeratorReward]):
    list_display = (
        "created_at",
        "moderator",
        "member",
        "points",
        "badge",
        "reason",
        "post_id",
        "reversed_at",
        "reversed_by",
    )
    list_filter = ("reversed_at",)
    list_select_related = ("moderator", "member", "badge", "reversed_by")
    search_fields = ("moderator__handle", "member__handle", "reason")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ModeratorReward | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ModeratorReward | None = None
    ) -> bool:
        return False
