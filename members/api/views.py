from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import text_param
from members import selectors, services
from members.api.serializers import (
    AvatarInputSerializer,
    MemberOutputSerializer,
    MeOutputSerializer,
    ProfileInputSerializer,
)
from members.models import ContentGoal, SkillLevel, User
from members.policies import can_edit_profile


def _signed_in(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
    return request.user


def _apply_profile_changes(member: User, data: dict[str, Any]) -> User:
    fields = dict(data)
    topics = fields.pop("topics", None)
    goals = fields.pop("content_goals", None)
    if "birthday" in fields:
        birthday = fields.pop("birthday")
        fields["birthday_month"] = birthday["month"] if birthday else None
        fields["birthday_day"] = birthday["day"] if birthday else None
    return services.update_profile(member=member, fields=fields, topics=topics, goals=goals)


def _reloaded(member: User) -> User:
    reloaded = selectors.get_profile_or_none(viewer=member, handle=member.handle)
    assert reloaded is not None  # noqa: S101  # a member always sees their own profile
    return reloaded


class MeApi(APIView):
    """The signed-in member's own account and profile."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_retrieve", responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        member = _reloaded(_signed_in(request))
        return Response(MeOutputSerializer(member, context={"request": request}).data)

    @extend_schema(
        operation_id="me_update", request=ProfileInputSerializer, responses=MeOutputSerializer
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        member = _apply_profile_changes(_signed_in(request), serializer.validated_data)
        return Response(MeOutputSerializer(_reloaded(member), context={"request": request}).data)


class MeAvatarApi(APIView):
    """Upload (PUT, multipart) or remove (DELETE) the signed-in member's avatar."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="me_avatar_update",
        request={"multipart/form-data": AvatarInputSerializer},
        responses=MeOutputSerializer,
    )
    def put(self, request: Request) -> Response:
        serializer = AvatarInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["avatar"]
        member = services.set_avatar(member=_signed_in(request), upload=upload, size=upload.size)
        return Response(MeOutputSerializer(_reloaded(member), context={"request": request}).data)

    @extend_schema(operation_id="me_avatar_destroy", responses={204: None})
    def delete(self, request: Request) -> Response:
        services.remove_avatar(member=_signed_in(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of a handle or display name."),
    OpenApiParameter("skill_level", OpenApiTypes.STR, enum=SkillLevel.values),
    OpenApiParameter("topic", OpenApiTypes.STR, description="A topic slug, e.g. python."),
    OpenApiParameter("goal", OpenApiTypes.STR, enum=ContentGoal.values),
    OpenApiParameter("tier", OpenApiTypes.STR, description="A tier slug."),
]


@extend_schema(parameters=DIRECTORY_PARAMETERS)
class MemberListApi(generics.ListAPIView[User]):
    """The member directory, with the same filters and visibility as the page."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = MemberOutputSerializer
    filter_backends: list[Any] = []  # the selector applies the directory's filters

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.list_members(
            viewer=self.request.user,
            filters=selectors.DirectoryFilters(
                query=text_param(params, "q", max_length=100),
                skill_level=text_param(params, "skill_level", max_length=20),
                topic=text_param(params, "topic", max_length=50),
                goal=text_param(params, "goal", max_length=20),
                tier=text_param(params, "tier", max_length=40),
            ),
        )


class MemberDetailApi(APIView):
    """One member's profile. Only the member may change it (PATCH); others get 403."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def _get(self, request: Request, handle: str) -> User:
        member = selectors.get_profile_or_none(viewer=request.user, handle=handle)
        if member is None:
            raise Http404
        return member

    @extend_schema(
        operation_id="members_retrieve",
        responses=MemberOutputSerializer,
        parameters=[OpenApiParameter("handle", OpenApiTypes.STR, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, handle: str) -> Response:
        member = self._get(request, handle)
        return Response(MemberOutputSerializer(member, context={"request": request}).data)

    @extend_schema(
        operation_id="members_update",
        request=ProfileInputSerializer,
        responses=MeOutputSerializer,
        parameters=[OpenApiParameter("handle", OpenApiTypes.STR, OpenApiParameter.PATH)],
    )
    def patch(self, request: Request, handle: str) -> Response:
        member = self._get(request, handle)
        if not can_edit_profile(request.user, member):
            raise PermissionDenied("You can only change your own profile.")
        serializer = ProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        member = _apply_profile_changes(member, serializer.validated_data)
        return Response(MeOutputSerializer(_reloaded(member), context={"request": request}).data)
