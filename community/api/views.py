"""The forum API. Thin: parse, call one selector or service, render.

Access follows community.policies everywhere: what the viewer may not see answers 404
(the selectors and services raise DoesNotExist), never 403. Writes need a signed-in member
(401 otherwise); domain errors become 400/403/409 in config.exceptions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import policies, search, selectors
from community.api.pagination import page_link
from community.api.serializers import (
    PostRevisionSerializer,
    PostSerializer,
    RecommendationSerializer,
    SearchResultSerializer,
    ThreadDetailSerializer,
    ThreadSummarySerializer,
    WatchingSerializer,
)
from community.models import POSTS_PER_PAGE, Category, PostRevision, Reaction, Thread
from community.pagination import Cursor, decode_cursor
from community.selectors import ListFilter
from community.services import engagement, posting
from core.models import Topic
from members.models import User

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGES = 20


def _member(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # the permission classes guarantee it
    return request.user


def _thread_detail(request: Request, thread_id: int) -> dict[str, Any]:
    thread = selectors.get_thread(viewer=request.user, thread_id=thread_id)
    state = selectors.get_reader_state(viewer=request.user, thread=thread)
    read_numbers = {} if state.last_read_number is None else {thread.pk: state.last_read_number}
    context = {"read_numbers": read_numbers, "is_watching": state.is_watching}
    return dict(ThreadDetailSerializer(thread, context=context).data)


def _post_detail(request: Request, post_id: int) -> dict[str, Any]:
    post = selectors.get_post(viewer=request.user, post_id=post_id)
    reactions = selectors.reactions_given(viewer=request.user, post_ids=[post.pk])
    return dict(PostSerializer(post, context={"reactions": reactions}).data)


def _topics_field() -> serializers.SlugRelatedField[Topic]:
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Topic.objects.all(),
        many=True,
        required=False,
        help_text="Topic slugs, e.g. python.",
    )


def _body_field() -> serializers.CharField:
    # The service trims and checks emptiness; leading spaces can be Markdown.
    return serializers.CharField(
        max_length=posting.MAX_POST_LENGTH, trim_whitespace=False, help_text="Markdown."
    )


THREAD_ID = OpenApiParameter("thread_id", OpenApiTypes.INT, OpenApiParameter.PATH)
POST_ID = OpenApiParameter("post_id", OpenApiTypes.INT, OpenApiParameter.PATH)


# --- Categories ---------------------------------------------------------------------------------


class CategoryListApi(generics.ListAPIView[Category]):
    """The categories the viewer may see, in their order."""

    filter_backends: list[Any] = []

    @extend_schema_serializer(component_name="Category")
    class OutputSerializer(serializers.ModelSerializer[Category]):
        minimum_tier = serializers.CharField(
            source="minimum_tier.slug",
            allow_null=True,
            help_text="The slug of the tier a tier-only category requires.",
        )

        class Meta:
            model = Category
            fields = (
                "id",
                "slug",
                "name",
                "description",
                "colour",
                "access",
                "minimum_tier",
                "thread_count",
            )
            read_only_fields = fields

    serializer_class = OutputSerializer

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.list_categories(viewer=self.request.user)


class CategoryWatchApi(APIView):
    """Watch a category (hear of every new thread in it) or stop watching it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="categories_watch_create", request=None, responses=WatchingSerializer
    )
    def post(self, request: Request, slug: str) -> Response:
        category = selectors.get_category(viewer=request.user, slug=slug)
        engagement.watch_category(member=_member(request), category_id=category.pk)
        return Response(WatchingSerializer({"is_watching": True}).data)

    @extend_schema(operation_id="categories_watch_destroy", responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        category = selectors.get_category(viewer=request.user, slug=slug)
        engagement.unwatch_category(member=_member(request), category_id=category.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Threads ------------------------------------------------------------------------------------


class ThreadListApi(APIView):
    """Threads, newest activity first (GET, cursor-paginated), or start one (POST)."""

    @extend_schema_serializer(component_name="ThreadListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        category = serializers.SlugField(required=False, max_length=60, help_text="A slug.")
        topic = serializers.SlugField(required=False, max_length=50, help_text="A topic slug.")
        author = serializers.CharField(required=False, max_length=31, help_text="A handle.")
        kind = serializers.ChoiceField(choices=Thread.Kind.choices, required=False)
        solved = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Only questions, solved (true) or not (false).",
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
        results = ThreadSummarySerializer(many=True)

    @extend_schema_serializer(component_name="ThreadCreate")
    class InputSerializer(serializers.Serializer[Any]):
        category = serializers.CharField(max_length=60, help_text="A category id or slug.")
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
        page = selectors.list_threads(
            viewer=request.user,
            filters=selectors.ThreadFilters(
                category=data.get("category", ""),
                topic=data.get("topic", ""),
                author=data.get("author", ""),
                kind=data.get("kind", ""),
                solved=data["solved"],
                list_filter=data.get("filter", ListFilter.ALL),
            ),
            position=data.get("cursor"),
            separate_pins=False,
        )
        output = {
            "next": page_link(request, "cursor", page.next_cursor),
            "next_cursor": page.next_cursor,
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
        thread = posting.create_thread(
            author=member,
            category_id=data["category"].pk,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            topics=data.get("topics", []),
        )
        return Response(_thread_detail(request, thread.pk), status=status.HTTP_201_CREATED)


class ThreadDetailApi(APIView):
    """One thread (GET, counts a view) or its new title and topics (PATCH: author, moderator)."""

    @extend_schema_serializer(component_name="ThreadUpdate")
    class InputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=posting.MAX_TITLE_LENGTH, required=False)
        topics = _topics_field()

    @extend_schema(operation_id="threads_retrieve", responses=ThreadDetailSerializer)
    def get(self, request: Request, thread_id: int) -> Response:
        output = _thread_detail(request, thread_id)
        engagement.record_view(thread_id=thread_id)
        return Response(output)

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
    class InputSerializer(serializers.Serializer[Any]):
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
        thread = selectors.get_thread(viewer=request.user, thread_id=thread_id)
        if number > selectors.page_count(thread):
            raise NotFound("Invalid page.")
        page = selectors.get_thread_page(viewer=request.user, thread=thread, page=number)
        output = {
            "count": thread.post_count,
            "page": page.number,
            "page_count": page.page_count,
            "next": page_link(request, "page", page.number + 1 if page.has_next else None),
            "previous": page_link(request, "page", page.number - 1 if page.has_previous else None),
            "results": page.posts,
        }
        return Response(self.OutputSerializer(output, context={"reactions": page.reacted}).data)

    @extend_schema(
        operation_id="threads_posts_create",
        parameters=[THREAD_ID],
        request=InputSerializer,
        responses={201: PostSerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = posting.reply(
            author=_member(request), thread_id=thread_id, body=serializer.validated_data["body"]
        )
        return Response(_post_detail(request, post.pk), status=status.HTTP_201_CREATED)


class ThreadAcceptApi(APIView):
    """Mark a reply as the accepted answer (POST) or unmark it (DELETE): asker or moderator."""

    @extend_schema_serializer(component_name="AcceptAnswer")
    class InputSerializer(serializers.Serializer[Any]):
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
    class InputSerializer(serializers.Serializer[Any]):
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
        number = min(serializer.validated_data["number"], thread.post_count)
        engagement.mark_read(member=_member(request), thread_id=thread.pk, number=number)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Posts --------------------------------------------------------------------------------------


class PostDetailApi(APIView):
    """One post; PATCH changes its text, DELETE soft-deletes it (author or moderator)."""

    @extend_schema_serializer(component_name="PostUpdate")
    class InputSerializer(serializers.Serializer[Any]):
        body = _body_field()

    @extend_schema(operation_id="posts_retrieve", parameters=[POST_ID], responses=PostSerializer)
    def get(self, request: Request, post_id: int) -> Response:
        return Response(_post_detail(request, post_id))

    @extend_schema(
        operation_id="posts_update",
        parameters=[POST_ID],
        request=InputSerializer,
        responses=PostSerializer,
    )
    def patch(self, request: Request, post_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        posting.edit_post(
            editor=_member(request), post_id=post_id, body=serializer.validated_data["body"]
        )
        return Response(_post_detail(request, post_id))

    @extend_schema(operation_id="posts_destroy", parameters=[POST_ID], responses={204: None})
    def delete(self, request: Request, post_id: int) -> Response:
        posting.delete_post(actor=_member(request), post_id=post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(operation_id="posts_revisions_list", parameters=[POST_ID]))
class PostRevisionListApi(generics.ListAPIView[PostRevision]):
    """Earlier versions of a post, newest first: for its author and moderators only."""

    serializer_class = PostRevisionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[PostRevision]:
        post = selectors.get_post(viewer=self.request.user, post_id=self.kwargs["post_id"])
        if not policies.can_see_history(self.request.user, post):
            raise NotFound
        return selectors.list_post_revisions(post=post)


KIND = OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Reaction.Kind.values)


class PostReactApi(APIView):
    """React to someone else's post (POST: 201 when added, 200 when already there) or take
    the reaction back (DELETE)."""

    @extend_schema(
        operation_id="posts_reactions_create",
        parameters=[POST_ID, KIND],
        request=None,
        responses={201: PostSerializer, 200: PostSerializer},
    )
    def post(self, request: Request, post_id: int, kind: str) -> Response:
        added = engagement.add_reaction(member=_member(request), post_id=post_id, kind=kind)
        return Response(
            _post_detail(request, post_id),
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="posts_reactions_destroy", parameters=[POST_ID, KIND], responses={204: None}
    )
    def delete(self, request: Request, post_id: int, kind: str) -> Response:
        post = selectors.get_post(viewer=request.user, post_id=post_id)
        engagement.remove_reaction(member=_member(request), post_id=post.pk, kind=kind)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Search and recommendations -----------------------------------------------------------------


class PostSearchApi(APIView):
    """Full-text search over the posts the viewer may see, best match first."""

    @extend_schema_serializer(component_name="SearchFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        q = serializers.CharField(max_length=search.MAX_QUERY_LENGTH, help_text="Words to find.")
        category = serializers.SlugField(required=False, max_length=60)
        topic = serializers.SlugField(required=False, max_length=50)
        author = serializers.CharField(required=False, max_length=31, help_text="A handle.")
        status = serializers.ChoiceField(
            choices=["solved", "unsolved"], required=False, help_text="Questions only."
        )
        after = serializers.DateField(required=False, help_text="Posted on or after.")
        before = serializers.DateField(required=False, help_text="Posted on or before.")
        page = serializers.IntegerField(min_value=1, max_value=SEARCH_MAX_PAGES, default=1)

    @extend_schema_serializer(component_name="SearchPage")
    class OutputSerializer(serializers.Serializer[Any]):
        page = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = SearchResultSerializer(many=True)

    @extend_schema(
        operation_id="search_list", parameters=[FilterSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query: str = data["q"]
        filters = search.SearchFilters(
            category=data.get("category", ""),
            topic=data.get("topic", ""),
            author=data.get("author", ""),
            solved={"solved": True, "unsolved": False}.get(data.get("status", "")),
            after=data.get("after"),
            before=data.get("before"),
        )
        number: int = data["page"]
        start = (number - 1) * SEARCH_PAGE_SIZE
        posts = list(
            search.search_posts(viewer=request.user, query=query, filters=filters)[
                start : start + SEARCH_PAGE_SIZE + 1
            ]
        )
        has_next = len(posts) > SEARCH_PAGE_SIZE and number < SEARCH_MAX_PAGES
        output = {
            "page": number,
            "next": page_link(request, "page", number + 1 if has_next else None),
            "previous": page_link(request, "page", number - 1 if number > 1 else None),
            "results": posts[:SEARCH_PAGE_SIZE],
        }
        return Response(self.OutputSerializer(output, context={"query": query}).data)


class ForYouListApi(APIView):
    """Threads picked for the signed-in member, each with the reason it was picked."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="ForYou")
    class OutputSerializer(serializers.Serializer[Any]):
        results = RecommendationSerializer(many=True)

    @extend_schema(operation_id="for_you_list", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        member = _member(request)
        picks = selectors.for_you(member=member)
        read_numbers = selectors.read_numbers(
            member=member, thread_ids=[pick.thread.pk for pick in picks]
        )
        context = {"read_numbers": read_numbers}
        return Response(self.OutputSerializer({"results": picks}, context=context).data)
