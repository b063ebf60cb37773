"""Threads: listing and starting them, one thread, its posts and replies, accepted answers,
watching and read markers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors
from community.api.serializers import (
    PostSerializer,
    ThreadDetailSerializer,
    ThreadSummarySerializer,
    WatchingSerializer,
)
from community.api.views._common import (
    THREAD_ID,
    _body_field,
    _member,
    _post_detail,
    _thread_detail,
    _topics_field,
)
from community.models import POSTS_PER_PAGE, Category, Subscription, Thread
from community.pagination import Cursor, decode_cursor
from community.selectors import ListFilter
from community.services import engagement, posting
from core.api import BodySerializer, IdOrSlugField, or_400, page_link
from core.page_cache import visitor_cacheable
from core.ratelimit import check_request_rate


@visitor_cacheable
class ThreadListApi(APIView):
    """Threads, newest activity first (GET, cursor-paginated), or start one (POST)."""

    @extend_schema_serializer(component_name="ThreadListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        category = serializers.SlugField(required=False, max_length=60, help_text="A slug.")
        topic = serializers.SlugField(required=False, max_length=50, help_text="A topic slug.")
        author = serializers.CharField(required=False, max_length=31, help_text="A handle.")
        kind = serializers.ChoiceField(choices=Thread.Kind.choices, required=False)
        solved = serializers.BooleanField(
            required=False, help_text="Only questions, solved (true) or not (false)."
        )
        filter = serializers.ChoiceField(
            choices=[ListFilter.UNREAD, ListFilter.NEW],
            required=False,
            help_text="For members: threads with unread posts, or new ones never opened.",
        )
        cursor = serializers.CharField(
            required=False, max_length=200, help_text="`next_cursor` of the previous page."
        )

        def validate_cursor(self, value: str) -> Cursor:
            position = decode_cursor(value)
            if position is None:
                raise serializers.ValidationError("Invalid cursor.")
            return position

    @extend_schema_serializer(component_name="ThreadPage")
    class OutputSerializer(serializers.Serializer[Any]):
        next = serializers.URLField(allow_null=True)
        next_cursor = serializers.CharField(allow_null=True)
        pinned = ThreadSummarySerializer(
            many=True,
            help_text="Pinned threads, on the first page of an unfiltered list only; they are "
            "left out of `results` on every page, so a cursor visits each thread once.",
        )
        results = ThreadSummarySerializer(many=True)

    @extend_schema_serializer(component_name="ThreadCreate")
    class InputSerializer(BodySerializer):
        category = IdOrSlugField(max_length=60, help_text="A category id or slug.")
        kind = serializers.ChoiceField(choices=Thread.Kind.choices, default=Thread.Kind.DISCUSSION)
        title = serializers.CharField(max_length=posting.MAX_TITLE_LENGTH)
        body = _body_field()
        topics = _topics_field()

        def validate_category(self, value: str) -> Category:
            category = selectors.find_category(viewer=self.context["viewer"], reference=value)
            if category is None:
                raise serializers.ValidationError("No such category.")
            return category

    @extend_schema(
        operation_id="threads_list", parameters=[FilterSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        # A plain dict: a QueryDict would read a missing boolean as false.
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        screen = or_400(
            "category",
            "No such category.",
            lambda: selectors.get_thread_list_screen(
                viewer=request.user,
                filters=selectors.ThreadFilters(
                    category=data.get("category", ""),
                    topic=data.get("topic", ""),
                    author=data.get("author", ""),
                    kind=data.get("kind", ""),
                    solved=data.get("solved"),
                ),
                list_filter=data.get("filter", ListFilter.ALL),
                position=data.get("cursor"),
            ),
        )
        page = screen.page
        output = {
            "next": page_link(request, "cursor", page.next_cursor),
            "next_cursor": page.next_cursor,
            "pinned": page.pinned,
            "results": page.threads,
        }
        context = {"read_numbers": page.read_numbers}
        return Response(self.OutputSerializer(output, context=context).data)

    @extend_schema(
        operation_id="threads_create",
        request=InputSerializer,
        responses={201: ThreadDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = self.InputSerializer(data=request.data, context={"viewer": member})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_request_rate(request, "post")
        thread = posting.create_thread(
            author=member,
            category_id=data["category"].pk,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            topics=data.get("topics", []),
        )
        return Response(_thread_detail(request, thread.pk), status=status.HTTP_201_CREATED)


@visitor_cacheable
class ThreadDetailApi(APIView):
    """One thread (GET, counts a view) or its new title and topics (PATCH: author, moderator)."""

    @extend_schema_serializer(component_name="ThreadUpdate")
    class InputSerializer(BodySerializer):
        title = serializers.CharField(max_length=posting.MAX_TITLE_LENGTH, required=False)
        topics = _topics_field()

    @extend_schema(operation_id="threads_retrieve", responses=ThreadDetailSerializer)
    def get(self, request: Request, thread_id: int) -> Response:
        screen = selectors.get_thread_screen(viewer=request.user, thread_id=thread_id, page=None)
        engagement.record_thread_visit(
            viewer=request.user, thread_id=thread_id, read_to=None, known=None
        )
        return Response(ThreadDetailSerializer(screen.thread, context={"screen": screen}).data)

    @extend_schema(
        operation_id="threads_update", request=InputSerializer, responses=ThreadDetailSerializer
    )
    def patch(self, request: Request, thread_id: int) -> Response:
        thread = selectors.get_thread(viewer=request.user, thread_id=thread_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        posting.edit_thread(
            editor=_member(request),
            thread_id=thread.pk,
            title=data.get("title", thread.title),
            topics=data.get("topics"),
        )
        return Response(_thread_detail(request, thread.pk))


@visitor_cacheable
class ThreadPostListApi(APIView):
    """A thread's posts in number order (GET, by page of numbers), or a reply (POST)."""

    @extend_schema_serializer(component_name="PostListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        page = serializers.IntegerField(
            min_value=1, default=1, help_text=f"Posts {POSTS_PER_PAGE} to a page."
        )

    @extend_schema_serializer(component_name="PostPage")
    class OutputSerializer(serializers.Serializer[Any]):
        count = serializers.IntegerField(help_text="Posts in the thread, deleted ones included.")
        page = serializers.IntegerField()
        page_count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = PostSerializer(many=True)

    @extend_schema_serializer(component_name="Reply")
    class InputSerializer(BodySerializer):
        body = _body_field()

    @extend_schema(
        operation_id="threads_posts_list",
        parameters=[THREAD_ID, FilterSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request, thread_id: int) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        number = params.validated_data["page"]
        screen = selectors.get_thread_screen(
            viewer=request.user, thread_id=thread_id, page=number, with_badges=False
        )
        if number > screen.page_count:
            raise NotFound("Invalid page.")
        output = {
            "count": screen.thread.post_count,
            "page": screen.number,
            "page_count": screen.page_count,
            "next": page_link(request, "page", screen.number + 1 if screen.has_next else None),
            "previous": page_link(
                request, "page", screen.number - 1 if screen.has_previous else None
            ),
            "results": screen.posts,
        }
        return Response(self.OutputSerializer(output, context={"reactions": screen.reactions}).data)

    @extend_schema(
        operation_id="threads_posts_create",
        parameters=[THREAD_ID],
        request=InputSerializer,
        responses={201: PostSerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check_request_rate(request, "post")
        post = posting.reply(
            author=_member(request), thread_id=thread_id, body=serializer.validated_data["body"]
        )
        return Response(_post_detail(request, post.pk), status=status.HTTP_201_CREATED)


class ThreadAcceptApi(APIView):
    """Mark a reply as the accepted answer (POST) or unmark it (DELETE): asker or moderator."""

    @extend_schema_serializer(component_name="AcceptAnswer")
    class InputSerializer(BodySerializer):
        post = serializers.IntegerField(min_value=1, help_text="The id of the reply.")

    @extend_schema(
        operation_id="threads_accept_create",
        parameters=[THREAD_ID],
        request=InputSerializer,
        responses=ThreadDetailSerializer,
    )
    def post(self, request: Request, thread_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        posting.accept_answer(
            actor=_member(request), thread_id=thread_id, post_id=serializer.validated_data["post"]
        )
        return Response(_thread_detail(request, thread_id))

    @extend_schema(
        operation_id="threads_accept_destroy", parameters=[THREAD_ID], responses={204: None}
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        posting.unaccept_answer(actor=_member(request), thread_id=thread_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadWatchApi(APIView):
    """Watch a thread (hear of new replies) or stop watching it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="threads_watch_create",
        parameters=[THREAD_ID],
        request=None,
        responses=WatchingSerializer,
    )
    def post(self, request: Request, thread_id: int) -> Response:
        engagement.watch_thread(member=_member(request), thread_id=thread_id)
        return Response(WatchingSerializer({"is_watching": True}).data)

    @extend_schema(
        operation_id="threads_watch_destroy", parameters=[THREAD_ID], responses={204: None}
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        thread = selectors.get_thread(viewer=request.user, thread_id=thread_id)
        engagement.unwatch_thread(member=_member(request), thread_id=thread.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadMarkReadApi(APIView):
    """Move the member's read marker forward to post `number` (never backwards)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MarkRead")
    class InputSerializer(BodySerializer):
        number = serializers.IntegerField(min_value=1, help_text="The last post number seen.")

    @extend_schema(
        operation_id="threads_read_create",
        parameters=[THREAD_ID],
        request=InputSerializer,
        responses={204: None},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = selectors.get_thread(viewer=request.user, thread_id=thread_id)
        # A client that saw a post deleted since (or raced a reply) stops at the last one.
        number = min(serializer.validated_data["number"], thread.last_published_number)
        engagement.mark_read(member=_member(request), thread_id=thread.pk, number=number)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LevelSerializer(BodySerializer):
    """A notification level for a thread or category."""

    level = serializers.ChoiceField(
        choices=Subscription.Level.choices,
        help_text="watching: every new post; tracking: mentions, quotes and answers, with "
        "unread counts; normal: mentions, quotes and answers; muted: nothing.",
    )


class ThreadLevelApi(APIView):
    """Set the member's notification level for a thread (it wins over its category's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="threads_notification_level_update",
        parameters=[THREAD_ID],
        request=LevelSerializer,
        responses=LevelSerializer,
    )
    def put(self, request: Request, thread_id: int) -> Response:
        serializer = LevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = engagement.set_thread_level(
            member=_member(request), thread_id=thread_id, level=serializer.validated_data["level"]
        )
        return Response(LevelSerializer(subscription).data)
