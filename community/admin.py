from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from community import search
from community.models import (
    BlockedDomain,
    Category,
    CategoryModerator,
    ModerationAction,
    Post,
    Thread,
)
from community.services import roles
from members.models import User


@admin.register(CategoryModerator)
class CategoryModeratorAdmin(admin.ModelAdmin[CategoryModerator]):
    """Staff appoint and remove category moderators here too; both go through the same
    audited services as the moderators page."""

    list_display = ("member", "category", "appointed_at")
    list_filter = ("category",)
    raw_id_fields = ("member",)
    fields = ("member", "category")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # appoint or remove; there is nothing to change on a row

    def save_model(
        self, request: HttpRequest, obj: CategoryModerator, form: Any, change: bool
    ) -> None:
        assert isinstance(request.user, User)  # noqa: S101  # the admin requires a user
        roles.appoint_moderator(
            actor=request.user, member_id=obj.member_id, category_id=obj.category_id
        )
        saved = CategoryModerator.objects.get(member_id=obj.member_id, category_id=obj.category_id)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CategoryModerator) -> None:
        assert isinstance(request.user, User)  # noqa: S101  # the admin requires a user
        roles.remove_moderator(
            actor=request.user, member_id=obj.member_id, category_id=obj.category_id
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin[ModerationAction]):
    """The audit log, read-only: rows are written by the moderation services alone."""

    list_display = ("created_at", "actor", "action", "target", "reason")
    list_filter = ("action", "category")
    search_fields = ("target", "reason", "actor__handle", "member__handle")
    raw_id_fields = ("actor", "member", "thread", "post", "category")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = (
        "name",
        "slug",
        "access",
        "minimum_tier",
        "default_kind",
        "position",
        "thread_count",
    )
    list_editable = ("position",)
    list_filter = ("access",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin[Thread]):
    """Read-mostly: writes with rules (posting, pinning) go through the forum's own pages."""

    list_display = ("title", "category", "kind", "author", "post_count", "last_activity_at")
    list_filter = ("kind", "category", "is_pinned", "is_locked")
    search_fields = ("title",)
    raw_id_fields = ("author", "last_poster", "solution")
    readonly_fields = ("post_count", "view_count", "created_at", "last_activity_at")

    def save_model(
        self, request: HttpRequest, obj: Thread, form: ModelForm[Thread], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        opening = Post.objects.filter(thread=obj, number=1).values_list("pk", flat=True)
        search.index_posts(list(opening))  # a renamed thread is found by its new title


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("id", "thread", "number", "author", "created_at", "is_deleted")
    list_filter = ("is_deleted",)
    raw_id_fields = ("thread", "author")
    # The text is edited on the site (rendered, sanitised, its history kept), not here.
    readonly_fields = (
        "source",
        "html",
        "search_vector",
        "like_count",
        "thanks_count",
        "insightful_count",
        "laugh_count",
        # Held and hidden posts are approved in the review queue (audited), not here.
        "status",
        "status_reason",
    )

    def save_model(
        self, request: HttpRequest, obj: Post, form: ModelForm[Post], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        search.index_post(post_id=obj.pk)  # deleted or restored here: out of or back in search


@admin.register(BlockedDomain)
class BlockedDomainAdmin(admin.ModelAdmin[BlockedDomain]):
    """Domains staff keep out: a post linking to one (or a subdomain) waits for review."""

    list_display = ("domain", "note", "created_at")
    search_fields = ("domain", "note")
    fields = ("domain", "note")
