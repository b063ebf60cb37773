"""Posts: one post, editing and deleting it, its revisions, reactions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors
from community.api.serializers import PostRevisionSerializer, PostSerializer
from community.api.views._common import POST_ID, _body_field, _member, _post_detail
from community.models import PostRevision, Reaction
from community.services import engagement, posting
from core.api import BodySerializer
from core.ratelimit import check_request_rate


class PostDetailApi(APIView):
    """One post; PATCH changes its text, DELETE soft-deletes it (author or moderator)."""

    @extend_schema_serializer(component_name="PostUpdate")
    class InputSerializer(BodySerializer):
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

    queryset = PostRevision.objects.none()  # the rows come from the screen selector

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        screen = selectors.get_post_history_screen(
            viewer=request.user, post_id=self.kwargs["post_id"]
        )
        page = self.paginate_queryset(screen.revisions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


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
        check_request_rate(request, "react")
        added = engagement.add_reaction(member=_member(request), post_id=post_id, kind=kind)
        return Response(
            _post_detail(request, post_id),
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="posts_reactions_destroy", parameters=[POST_ID, KIND], responses={204: None}
    )
    def delete(self, request: Request, post_id: int, kind: str) -> Response:
        engagement.remove_reaction(member=_member(request), post_id=post_id, kind=kind)
        return Response(status=status.HTTP_204_NO_CONTENT)
