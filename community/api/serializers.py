"""Output shapes shared by several forum APIs; inputs live on their views."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Category, Post, PostRevision, Reaction, Thread
from community.selectors import ThreadScreen
from core.models import Topic

HANDLE_HELP = "The author's handle, or null for a former member."


class CategoryReferenceSerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ("id", "slug", "name", "colour")
        read_only_fields = fields


class ThreadSummarySerializer(serializers.ModelSerializer[Thread]):
    """A thread as lists show it. The selector loaded category, authors and topics.

    `last_read_number` comes from the context's `read_numbers` (thread id -> number): null
    for visitors and for threads the member never opened.
    """

    category = CategoryReferenceSerializer()
    topics: serializers.SlugRelatedField[Topic] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    author = serializers.CharField(source="author.handle", allow_null=True, help_text=HANDLE_HELP)
    last_poster = serializers.CharField(source="last_poster.handle", allow_null=True)
    reply_count = serializers.IntegerField()
    is_solved = serializers.BooleanField()
    solution_post_id = serializers.IntegerField(source="solution_id", allow_null=True)
    last_read_number = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields: tuple[str, ...] = (
            "id",
            "title",
            "kind",
            "category",
            "topics",
            "author",
            "last_poster",
            "created_at",
            "last_activity_at",
            "post_count",
            "reply_count",
            "view_count",
            "is_pinned",
            "is_pinned_globally",
            "is_locked",
            "is_solved",
            "solution_post_id",
            "last_read_number",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_last_read_number(self, thread: Thread) -> int | None:
        read_numbers: dict[int, int] = self.context.get("read_numbers", {})
        return read_numbers.get(thread.pk)


class ThreadPermissionsSerializer(serializers.Serializer[Any]):
    """What the viewer may do with the thread (the thread screen's permissions)."""

    can_reply = serializers.BooleanField(help_text="Reply (the thread is open, or a moderator).")
    can_post = serializers.BooleanField(help_text="Write at all (a verified email).")
    can_accept = serializers.BooleanField(help_text="Accept an answer (asker or moderator).")
    can_edit = serializers.BooleanField(help_text="Change the title and topics.")
    can_moderate = serializers.BooleanField(help_text="Pin and lock.")
    can_watch = serializers.BooleanField(help_text="Watch the thread (signed in).")


class ThreadDetailSerializer(ThreadSummarySerializer):
    """One thread; `last_read_number`, `is_watching` and `permissions` come from the
    context's `screen` (the thread screen)."""

    is_watching = serializers.SerializerMethodField()
    notification_level = serializers.SerializerMethodField(
        help_text="watching, tracking, normal or muted (the thread's, else its category's)."
    )
    permissions = serializers.SerializerMethodField()

    class Meta(ThreadSummarySerializer.Meta):
        fields = (
            *ThreadSummarySerializer.Meta.fields,
            "is_watching",
            "notification_level",
            "permissions",
        )
        read_only_fields = fields

    def _screen(self) -> ThreadScreen:
        screen: ThreadScreen = self.context["screen"]
        return screen

    def get_last_read_number(self, thread: Thread) -> int | None:
        return self._screen().last_read_number

    def get_is_watching(self, thread: Thread) -> bool:
        return self._screen().is_watching

    def get_notification_level(self, thread: Thread) -> str:
        return self._screen().level

    @extend_schema_field(ThreadPermissionsSerializer)
    def get_permissions(self, thread: Thread) -> dict[str, Any]:
        return dict(ThreadPermissionsSerializer(self._screen().permissions).data)


class ReactionCountsSerializer(serializers.Serializer[Any]):
    like = serializers.IntegerField(source="like_count")
    thanks = serializers.IntegerField(source="thanks_count")
    insightful = serializers.IntegerField(source="insightful_count")
    laugh = serializers.IntegerField(source="laugh_count")


class PostSerializer(serializers.ModelSerializer[Post]):
    """One post. A deleted post keeps its place but shows neither source nor HTML.

    `my_reactions` comes from the context's `reactions` (post id -> kinds): empty for
    visitors.
    """

    thread_id = serializers.IntegerField()
    author = serializers.CharField(source="author.handle", allow_null=True, help_text=HANDLE_HELP)
    html = serializers.SerializerMethodField(help_text="Safe HTML rendered from the source.")
    # The API field is named like Field.source; DRF pops declared fields off the class.
    source = serializers.SerializerMethodField(  # type: ignore[assignment]  # shadows Field.source
        help_text="The Markdown as written."
    )
    reactions = ReactionCountsSerializer(source="*")
    my_reactions = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = (
            "id",
            "thread_id",
            "number",
            "author",
            "html",
            "source",
            "is_deleted",
            "status",
            "created_at",
            "edited_at",
            "edit_count",
            "reactions",
            "my_reactions",
        )
        read_only_fields = fields
        extra_kwargs = {  # DRF reads it off the Meta class
            "status": {
                "help_text": "published; held (pending review) or hidden (after flags or by a "
                "moderator): only its author and moderators see those."
            }
        }

    def get_html(self, post: Post) -> str | None:
        return None if post.is_deleted else post.html

    def get_source(self, post: Post) -> str | None:
        return None if post.is_deleted else post.source

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(Reaction.Kind.choices))
    )
    def get_my_reactions(self, post: Post) -> list[str]:
        reactions: dict[int, list[str]] = self.context.get("reactions", {})
        return reactions.get(post.pk, [])


class PostRevisionSerializer(serializers.ModelSerializer[PostRevision]):
    edited_by = serializers.CharField(source="edited_by.handle", allow_null=True)

    class Meta:
        model = PostRevision
        fields = ("id", "source", "html", "edited_by", "created_at")
        read_only_fields = fields


class SearchResultSerializer(serializers.Serializer[Any]):
    """A post found by search (a row of the search screen)."""

    id = serializers.IntegerField(source="post.pk")
    number = serializers.IntegerField(source="post.number")
    thread_id = serializers.IntegerField(source="post.thread_id")
    thread_title = serializers.CharField(source="post.thread.title")
    category = serializers.CharField(source="post.thread.category.slug")
    author = serializers.CharField(
        source="post.author.handle", allow_null=True, help_text=HANDLE_HELP
    )
    snippet = serializers.CharField(
        source="snippet_html", help_text="Safe HTML: an escaped excerpt with the matches in <mark>."
    )
    created_at = serializers.DateTimeField(source="post.created_at")
    is_accepted_answer = serializers.BooleanField(source="is_solution")
    more_matches = serializers.IntegerField(
        help_text="With `show=threads`: how many other posts of the thread match (else 0)."
    )


class RecommendationSerializer(serializers.Serializer[Any]):
    """A thread picked for the member (a row of the For you screen)."""

    thread = ThreadSummarySerializer()
    reason = serializers.CharField(help_text="Why it was picked, in one line.")


class WatchingSerializer(serializers.Serializer[Any]):
    is_watching = serializers.BooleanField()
