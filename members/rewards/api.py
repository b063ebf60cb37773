"""The moderator reward API: moderators reward a member; staff reverse a reward."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BodySerializer, or_400
from members import policies
from members.loyalty.models import Badge
from members.models import User
from members.rewards import services
from members.selectors import members_with_handle


class MayReward(BasePermission):
    message = "Only moderators reward members."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.may_reward(request.user)


class IsStaff(BasePermission):
    message = "Only staff reverse rewards."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user.is_authenticated and request.user.is_staff)


@extend_schema_serializer(component_name="ModeratorReward")
class RewardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    member = serializers.CharField(source="member.handle")
    moderator = serializers.CharField(source="moderator.handle", allow_null=True)
    points = serializers.IntegerField()
    badge = serializers.CharField(source="badge.slug", allow_null=True, default=None)
    post = serializers.IntegerField(source="post_id", allow_null=True)
    reason = serializers.CharField()
    thank_you = serializers.CharField()
    created_at = serializers.DateTimeField()
    reversed_at = serializers.DateTimeField(allow_null=True)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # the permissions guarantee it
    return request.user


class RewardCreateApi(APIView):
    """A moderator rewards a member: points (per-reward cap, weekly budget), a manual
    badge, or both, with a reason and an optional public thank-you. Audited.

    Forum-wide moderators and staff reward anyone. A category moderator rewards a post in
    a category they moderate (`post`: the member's own post), or, without `post`, a member
    who has a visible post in one of their categories; outside their categories answers 403
    (and a `post` that is not the member's own, 400)."""

    permission_classes = [IsAuthenticated, MayReward]

    @extend_schema_serializer(component_name="ModeratorRewardInput")
    class InputSerializer(BodySerializer):
        member = serializers.CharField(max_length=40, help_text="The member's handle.")
        points = serializers.IntegerField(min_value=0, default=0)
        badge = serializers.SlugField(
            max_length=50, required=False, allow_blank=True, help_text="A manual badge's slug."
        )
        reason = serializers.CharField(max_length=300)
        thank_you = serializers.CharField(max_length=500, required=False, allow_blank=True)
        post = serializers.IntegerField(
            min_value=1, required=False, allow_null=True, help_text="The post it is for."
        )

    @extend_schema(
        operation_id="moderator_rewards_create",
        request=InputSerializer,
        responses={201: RewardSerializer},
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        member = or_400(
            "member",
            "No member with this handle.",
            lambda: members_with_handle(data["member"].lstrip("@")).get(is_active=True),
        )
        badge_id = None
        if data.get("badge"):
            badge_id = or_400(
                "badge", "No badge with this slug.", lambda: Badge.objects.get(slug=data["badge"])
            ).pk
        reward = services.reward_member(
            moderator=_user(request),
            member_id=member.pk,
            points=data["points"],
            badge_id=badge_id,
            reason=data["reason"],
            thank_you=data.get("thank_you", ""),
            post_id=data.get("post"),
        )
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


class RewardReversalApi(APIView):
    """Staff reverse a reward: its points come off with a reversing ledger entry."""

    permission_classes = [IsAuthenticated, IsStaff]

    @extend_schema_serializer(component_name="ModeratorRewardReversalInput")
    class InputSerializer(BodySerializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        operation_id="moderator_rewards_reverse",
        parameters=[OpenApiParameter("reward_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=InputSerializer,
        responses={200: RewardSerializer},
    )
    def post(self, request: Request, reward_id: int) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reward = services.reverse_reward(
            staff=_user(request), reward_id=reward_id, reason=body.validated_data["reason"]
        )
        return Response(RewardSerializer(reward).data)
