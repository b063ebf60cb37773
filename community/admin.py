from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from community import search
from community.models import Category, Post, Thread


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "slug", "access", "minimum_tier", "position", "thread_count")
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
    )

    def save_model(
        self, request: HttpRequest, obj: Post, form: ModelForm[Post], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        search.index_post(post_id=obj.pk)  # deleted or restored here: out of or back in search
