"""Categories: the list, and watching one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors
from community.api.serializers import WatchingSerializer
from community.api.views._common import _member
from community.api.views.threads import LevelSerializer
from community.models import Category
from community.services import engagement
from core.page_cache import visitor_cacheable


@visitor_cacheable
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

    queryset = Category.objects.none()  # the rows come from the screen selector

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        screen = selectors.get_category_list_screen(viewer=request.user)
        page = self.paginate_queryset([row.category for row in screen.rows])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


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


class CategoryLevelApi(APIView):
    """Set the member's notification level for a category (muted: its threads leave the
    member's Latest, For you and digest)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="categories_notification_level_update",
        request=LevelSerializer,
        responses=LevelSerializer,
    )
    def put(self, request: Request, slug: str) -> Response:
        serializer = LevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = selectors.get_category(viewer=request.user, slug=slug)
        subscription = engagement.set_category_level(
            member=_member(request),
            category_id=category.pk,
            level=serializer.validated_data["level"],
        )
        return Response(LevelSerializer(subscription).data)
