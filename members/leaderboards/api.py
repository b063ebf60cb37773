"""The leaderboards API: the twin of the leaderboard pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import page_link
from core.models import Topic
from members.leaderboards import selectors


@extend_schema_serializer(component_name="LeaderboardRow")
class LeaderboardRowSerializer(serializers.Serializer[Any]):
    """One ranked member."""

    rank = serializers.IntegerField()
    handle = serializers.CharField(source="member.handle")
    name = serializers.CharField(source="member.name")
    score = serializers.IntegerField(help_text="Points, or accepted answers (top helpers).")


@extend_schema_serializer(component_name="Leaderboard")
class LeaderboardSerializer(serializers.Serializer[Any]):
    board = serializers.CharField(help_text="week, month, all, helpers, or topic.")
    title = serializers.CharField()
    unit = serializers.CharField()
    starts_on = serializers.DateField(
        allow_null=True, help_text="First day of the period (the community's calendar)."
    )
    topic = serializers.CharField(source="topic.slug", allow_null=True, default=None)
    results = LeaderboardRowSerializer(many=True, source="rows")
    me = LeaderboardRowSerializer(
        source="viewer_row", allow_null=True, help_text="The caller's place, when ranked."
    )
    page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class PageFilterSerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=selectors.MAX_PAGE, default=1
    )


def _respond(request: Request, screen: selectors.LeaderboardScreen) -> Response:
    data = LeaderboardSerializer(screen).data
    data["next"] = page_link(request, "page", screen.page + 1 if screen.has_next else None)
    data["previous"] = page_link(request, "page", screen.page - 1 if screen.has_previous else None)
    return Response(data)


BOARD = OpenApiParameter(
    "board", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(selectors.BOARDS)
)
TOPIC = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)


class LeaderboardApi(APIView):
    """A board (this week, this month, all time, top helpers), a page of it, the caller's
    place. Staff, suspended and deactivated accounts are not ranked."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="leaderboards_retrieve",
        parameters=[BOARD, PageFilterSerializer],
        responses=LeaderboardSerializer,
    )
    def get(self, request: Request, board: str) -> Response:
        if board not in selectors.BOARDS:
            raise NotFound("No such leaderboard.")
        params = PageFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        screen = selectors.get_leaderboard_screen(
            viewer=request.user, board=board, page=params.validated_data["page"]
        )
        return _respond(request, screen)


class TopicLeaderboardApi(APIView):
    """The all-time board of one topic."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="leaderboards_topic_retrieve",
        parameters=[TOPIC, PageFilterSerializer],
        responses=LeaderboardSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        params = PageFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        try:
            screen = selectors.get_leaderboard_screen(
                viewer=request.user, topic_slug=slug, page=params.validated_data["page"]
            )
        except Topic.DoesNotExist as exc:
            raise NotFound("No such topic.") from exc
        return _respond(request, screen)
