from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import page_link
from core.page_cache import visitor_cacheable
from core.params import without_control_characters
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
    """The member's own profile screen's member (topics, goals and tier loaded)."""
    return selectors.get_profile_screen(viewer=member, handle=member.handle).member


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


@visitor_cacheable
class MemberListApi(APIView):
    """The member directory, with the same filters, order and visibility as the page."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema_serializer(component_name="MemberListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=100,
            help_text="Part of a handle or display name; empty matches everyone.",
        )
        skill_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False)
        topic = serializers.SlugField(required=False, max_length=50, help_text="A topic slug.")
        goal = serializers.ChoiceField(choices=ContentGoal.choices, required=False)
        tier = serializers.SlugField(required=False, max_length=40, help_text="A tier slug.")
        page = serializers.IntegerField(min_value=1, default=1)

    @extend_schema_serializer(component_name="MemberPage")
    class OutputSerializer(serializers.Serializer[Any]):
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = MemberOutputSerializer(many=True)

    @extend_schema(
        operation_id="members_list", parameters=[FilterSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        screen = selectors.get_directory_screen(
            viewer=request.user,
            filters=selectors.DirectoryFilters(
                query=without_control_characters(data.get("q", "")).strip(),
                skill_level=data.get("skill_level", ""),
                topic=data.get("topic", ""),
                goal=data.get("goal", ""),
                tier=data.get("tier", ""),
            ),
            page=data["page"],
        )
        page = screen.page
        if data["page"] != page.number:
            raise NotFound("Invalid page.")
        output = {
            "count": page.paginator.count,
            "next": page_link(
                request, "page", page.next_page_number() if page.has_next() else None
            ),
            "previous": page_link(
                request, "page", page.previous_page_number() if page.has_previous() else None
            ),
            "results": page.object_list,
        }
        return Response(self.OutputSerializer(output, context={"request": request}).data)


@visitor_cacheable
class MemberDetailApi(APIView):
    """One member's profile. Only the member may change it (PATCH); others get 403."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def _get(self, request: Request, handle: str) -> User:
        return selectors.get_profile_screen(viewer=request.user, handle=handle).member

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
