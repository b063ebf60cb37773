"""Search and recommendations: full-text search, and the threads picked for a member."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import search, selectors
from community.api.serializers import RecommendationSerializer, SearchResultSerializer
from community.api.views._common import _member
from community.forms import SOLVED_CHOICES
from community.selectors.search_page import MAX_PAGES
from core.api import page_link


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
        page = serializers.IntegerField(min_value=1, max_value=MAX_PAGES, default=1)
        show = serializers.ChoiceField(
            choices=["posts", "threads"],
            default="posts",
            help_text="`posts`: every matching post; `threads`: one entry per thread, its best "
            "post, with `more_matches` counting the others.",
        )

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
        screen = selectors.get_search_screen(
            viewer=request.user,
            query=data["q"],
            filters=search.SearchFilters(
                category=data.get("category", ""),
                topic=data.get("topic", ""),
                author=data.get("author", ""),
                solved=SOLVED_CHOICES.get(data.get("status", "")),
                after=data.get("after"),
                before=data.get("before"),
            ),
            page=data["page"],
            grouped=data["show"] == "threads",
        )
        output = {
            "page": screen.page,
            "next": page_link(request, "page", screen.page + 1 if screen.has_next else None),
            "previous": page_link(
                request, "page", screen.page - 1 if screen.has_previous else None
            ),
            "results": screen.rows,
        }
        return Response(self.OutputSerializer(output).data)


class ForYouListApi(APIView):
    """Threads picked for the signed-in member, each with the reason it was picked."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="ForYou")
    class OutputSerializer(serializers.Serializer[Any]):
        results = RecommendationSerializer(many=True)

    @extend_schema(operation_id="for_you_list", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        screen = selectors.get_for_you_screen(member=_member(request))
        read_numbers = {
            row.thread.pk: row.last_read_number
            for row in screen.rows
            if row.last_read_number is not None
        }
        output = {"results": [{"thread": row.thread, "reason": row.reason} for row in screen.rows]}
        return Response(self.OutputSerializer(output, context={"read_numbers": read_numbers}).data)
