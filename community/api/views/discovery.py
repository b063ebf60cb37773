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
from community.api.pagination import page_link
from community.api.serializers import RecommendationSerializer, SearchResultSerializer
from community.api.views._common import _member

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGES = 20


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
