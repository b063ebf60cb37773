from django.contrib import admin

from community.models import Category, Post, Thread


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


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ("id", "thread", "number", "author", "created_at", "is_deleted")
    list_filter = ("is_deleted",)
    raw_id_fields = ("thread", "author")
    readonly_fields = (
        "html",
        "search_vector",
        "like_count",
        "thanks_count",
        "insightful_count",
        "laugh_count",
    )
