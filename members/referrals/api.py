"""The referrals API: the member's link and referrals (the referrals page's twin)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import page_link
from members.models import User
from members.referrals import selectors, services


@extend_schema_serializer(component_name="Referral")
class ReferralRowSerializer(serializers.Serializer[Any]):
    """One member the caller referred, and what it earned the caller."""

    id = serializers.IntegerField()
    handle = serializers.CharField()
    name = serializers.CharField()
    joined_at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=["pending", "activated", "refused", "rejected"],
        help_text="pending: waiting for the member's activation (or a staff check).",
    )
    status_label = serializers.CharField()
    activated_at = serializers.DateTimeField(allow_null=True)
    points_earned = serializers.IntegerField()


class MyReferralsApi(APIView):
    """The caller's personal referral link and the members who joined through it."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="ReferralListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        before = serializers.IntegerField(
            required=False, min_value=1, help_text="`next_cursor` of the previous page."
        )

    @extend_schema_serializer(component_name="ReferralPage")
    class OutputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField()
        link = serializers.URLField()
        window_days = serializers.IntegerField()
        reward_cap = serializers.IntegerField()
        rewarded_count = serializers.IntegerField()
        pending_count = serializers.IntegerField()
        points_earned = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        next_cursor = serializers.IntegerField(allow_null=True)
        results = ReferralRowSerializer(many=True)

    @extend_schema(
        operation_id="me_referrals", parameters=[FilterSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        member = request.user
        assert isinstance(member, User)  # noqa: S101  # IsAuthenticated guarantees it
        link = services.get_or_create_link(member_id=member.pk)
        screen = selectors.get_referrals_screen(
            viewer=member, link=link, before=params.validated_data.get("before")
        )
        output = {
            "code": screen.code,
            "link": request.build_absolute_uri(screen.join_path),
            "window_days": settings.REFERRAL_WINDOW_DAYS,
            "reward_cap": screen.cap,
            "rewarded_count": screen.rewarded_count,
            "pending_count": screen.pending_count,
            "points_earned": screen.points_earned,
            "next": page_link(request, "before", screen.next_cursor),
            "next_cursor": screen.next_cursor,
            "results": screen.rows,
        }
        return Response(self.OutputSerializer(output).data)
