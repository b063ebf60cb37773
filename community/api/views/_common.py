"""What the forum API views share: the signed-in member, detail payloads, fields, parameters."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from community import selectors
from community.api.serializers import PostSerializer, ThreadDetailSerializer
from community.services import posting
from core.models import Topic
from members.models import User


def _member(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # the permission classes guarantee it
    return request.user


def _thread_detail(request: Request, thread_id: int) -> dict[str, Any]:
    """The thread screen without posts, as the thread detail payload."""
    screen = selectors.get_thread_screen(viewer=request.user, thread_id=thread_id, page=None)
    return dict(ThreadDetailSerializer(screen.thread, context={"screen": screen}).data)


def _post_detail(request: Request, post_id: int) -> dict[str, Any]:
    """The post screen as the post detail payload."""
    screen = selectors.get_post_screen(viewer=request.user, post_id=post_id)
    return dict(PostSerializer(screen.post, context={"reactions": screen.reactions}).data)


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
