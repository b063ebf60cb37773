"""Loyalty's API: my points, the badges, one badge's holders and a moderator's grant, the
tiers with my progress, and staff tier grants. Each reads its page twin's selector."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BodySerializer, or_400, page_link
from core.http import or_404
from members import policies
from members.loyalty import badges, selectors, tiers
from members.loyalty.badges import MAX_GRANT_MEMBERS, MAX_REASON_LENGTH
from members.loyalty.forms import members_by_handles
from members.loyalty.models import Badge
from members.models import Tier, User
from members.selectors import members_with_handle


def _signed_in(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
    return request.user


class IsModerator(BasePermission):
    """Moderators only (members.policies.is_moderator)."""

    message = "Only moderators grant badges."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.is_moderator(request.user)


class IsStaffMember(BasePermission):
    """Staff only (members.policies.can_grant_tiers)."""

    message = "Only staff grant tiers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return policies.can_grant_tiers(request.user)


class PageSerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1, default=1)


def _page_number(request: Request) -> int:
    params = PageSerializer(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    number: int = params.validated_data["page"]
    return number


def _links(request: Request, page: Any) -> dict[str, Any]:
    return {
        "count": page.paginator.count,
        "next": page_link(request, "page", page.next_page_number() if page.has_next() else None),
        "previous": page_link(
            request, "page", page.previous_page_number() if page.has_previous() else None
        ),
    }


class SubjectSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    url = serializers.CharField()


@extend_schema_serializer(component_name="PointsEntry")
class PointsEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    verb = serializers.CharField(help_text="thread_started, like_received, answer_accepted…")
    text = serializers.CharField(source="label", help_text="What it was, in words.")
    points = serializers.IntegerField(help_text="Negative for an entry that takes points back.")
    occurred_at = serializers.DateTimeField()
    is_reversal = serializers.BooleanField()
    was_capped = serializers.BooleanField(help_text="A daily or per-member limit cut it.")
    reason = serializers.CharField()
    subject_type = serializers.CharField(help_text='What it is about: "post", "event"…')
    subject_id = serializers.IntegerField(allow_null=True)
    subject = SubjectSerializer(allow_null=True, help_text="Null when you cannot see it now.")


class MyPointsApi(APIView):
    """The signed-in member's points: balance, last 12 months, and history, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="PointsPage")
    class OutputSerializer(serializers.Serializer[Any]):
        balance = serializers.IntegerField()
        year_points = serializers.IntegerField()
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = PointsEntrySerializer(many=True)

    @extend_schema(
        operation_id="me_points_list", parameters=[PageSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        number = _page_number(request)
        screen = selectors.get_points_screen(member=_signed_in(request), page=number)
        if number != screen.page.number:
            raise NotFound("Invalid page.")
        output = {
            "balance": screen.balance,
            "year_points": screen.year_points,
            **_links(request, screen.page),
            "results": screen.rows,
        }
        return Response(self.OutputSerializer(output).data)


@extend_schema_serializer(component_name="Badge")
class BadgeSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(help_text="How to earn it.")
    grade = serializers.ChoiceField(choices=Badge.Grade.choices, allow_blank=True)
    rule = serializers.ChoiceField(choices=Badge.Rule.choices)
    threshold = serializers.IntegerField()
    holder_count = serializers.IntegerField(source="award_count")


class BadgeRowSerializer(serializers.Serializer[Any]):
    badge = BadgeSerializer()
    is_held = serializers.BooleanField(help_text="Whether you hold it (false for visitors).")


class BadgeListApi(APIView):
    """Every badge: how to earn it, how many hold it, whether you do."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema_serializer(component_name="BadgeList")
    class OutputSerializer(serializers.Serializer[Any]):
        automatic = BadgeRowSerializer(many=True)
        manual = BadgeRowSerializer(many=True)
        can_grant = serializers.BooleanField()

    @extend_schema(operation_id="badges_list", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        screen = selectors.get_badges_screen(viewer=request.user)
        return Response(self.OutputSerializer(screen).data)


class HolderSerializer(serializers.Serializer[Any]):
    handle = serializers.CharField(source="member.handle")
    name = serializers.CharField(source="member.name")
    tier = serializers.CharField(source="member.tier.name", allow_null=True, default=None)
    awarded_at = serializers.DateTimeField()
    reason = serializers.CharField()


class BadgeDetailApi(APIView):
    """One badge and a page of its holders (those whose profiles you may see)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema_serializer(component_name="BadgeDetail")
    class OutputSerializer(serializers.Serializer[Any]):
        badge = BadgeSerializer()
        is_held = serializers.BooleanField()
        can_grant = serializers.BooleanField()
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = HolderSerializer(many=True)

    @extend_schema(
        operation_id="badges_retrieve",
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
            PageSerializer,
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        number = _page_number(request)
        screen = or_404(
            lambda: selectors.get_badge_screen(viewer=request.user, slug=slug, page=number)
        )
        if number != screen.page.number:
            raise NotFound("Invalid page.")
        output = {
            "badge": screen.badge,
            "is_held": screen.is_held,
            "can_grant": screen.can_grant,
            **_links(request, screen.page),
            "results": screen.page.object_list,
        }
        return Response(self.OutputSerializer(output).data)


class BadgeGrantApi(APIView):
    """Moderators grant a manual badge to up to 50 members at once, with a reason."""

    permission_classes = [IsAuthenticated, IsModerator]

    @extend_schema_serializer(component_name="BadgeGrantInput")
    class InputSerializer(BodySerializer):
        members = serializers.ListField(
            child=serializers.CharField(max_length=40),
            min_length=1,
            max_length=MAX_GRANT_MEMBERS,
            help_text="Handles of the members (with or without @).",
        )
        reason = serializers.CharField(max_length=MAX_REASON_LENGTH)

    @extend_schema_serializer(component_name="BadgeGrantResult")
    class OutputSerializer(serializers.Serializer[Any]):
        granted = serializers.ListField(child=serializers.CharField(), help_text="Handles.")
        already_held = serializers.ListField(child=serializers.CharField(), help_text="Handles.")

    @extend_schema(
        operation_id="badges_grant",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        badge = or_404(lambda: Badge.objects.get(slug=slug, is_active=True))
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found, unknown = members_by_handles(body.validated_data["members"])
        if unknown:
            raise serializers.ValidationError(
                {"members": [f"No member with the handle @{h.lstrip('@')}." for h in unknown]}
            )
        result = badges.grant_badge(
            moderator=_signed_in(request),
            badge_id=badge.pk,
            member_ids=[member.pk for member in found],
            reason=body.validated_data["reason"],
        )
        handles = {member.pk: member.handle for member in found}
        output = {
            "granted": [handles[pk] for pk in result.granted],
            "already_held": [handles[pk] for pk in result.already_held],
        }
        return Response(self.OutputSerializer(output).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="Tier")
class TierSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    rank = serializers.IntegerField()
    description = serializers.CharField()
    points_threshold = serializers.IntegerField(
        allow_null=True, help_text="Points over 12 months; null: granted by staff only."
    )
    minimum_tenure_days = serializers.IntegerField()


class TierRowSerializer(serializers.Serializer[Any]):
    tier = TierSerializer()
    perks = serializers.ListField(child=serializers.CharField())
    is_current = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer[Any]):
    tier = TierSerializer(allow_null=True)
    since = serializers.DateTimeField(allow_null=True)
    year_points = serializers.IntegerField()
    next_tier = TierSerializer(allow_null=True)
    points_to_next = serializers.IntegerField()
    estimated_on = serializers.DateField(
        allow_null=True, help_text="When the next tier comes at the pace of the last 90 days."
    )
    granted_until = serializers.DateTimeField(source="grant.ends_at", allow_null=True, default=None)
    at_risk = serializers.BooleanField(help_text="Warned: below 90% of the tier's points.")
    keep_points = serializers.IntegerField()
    keep_by = serializers.DateField(allow_null=True)


class TierListApi(APIView):
    """The tiers (lowest first) and, for a member, their progress."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema_serializer(component_name="TierList")
    class OutputSerializer(serializers.Serializer[Any]):
        rows = TierRowSerializer(many=True)
        progress = ProgressSerializer(allow_null=True)

    @extend_schema(operation_id="tiers_list", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        screen = selectors.get_tiers_screen(viewer=request.user)
        return Response(self.OutputSerializer(screen).data)


class TierGrantApi(APIView):
    """Staff put a member in a tier by hand (paid or honorary) with a reason and an end."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema_serializer(component_name="TierGrantInput")
    class InputSerializer(BodySerializer):
        member = serializers.CharField(max_length=40, help_text="The member's handle.")
        tier = serializers.SlugField(max_length=40, help_text="The tier's slug.")
        reason = serializers.CharField(max_length=300)
        ends_at = serializers.DateTimeField(allow_null=True, help_text="Null: until revoked.")

    @extend_schema_serializer(component_name="TierGrant")
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        member = serializers.CharField(source="member.handle")
        tier = serializers.CharField(source="tier.slug")
        reason = serializers.CharField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="tier_grants_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        staff = _signed_in(request)
        member = or_400(
            "member",
            "No member with this handle.",
            lambda: members_with_handle(data["member"].lstrip("@")).get(is_active=True),
        )
        tier = or_400(
            "tier", "No tier with this slug.", lambda: Tier.objects.get(slug=data["tier"])
        )
        grant = tiers.grant_tier(
            staff=staff,
            member_id=member.pk,
            tier_id=tier.pk,
            reason=data["reason"],
            ends_at=data["ends_at"],
        )
        return Response(self.OutputSerializer(grant).data, status=status.HTTP_201_CREATED)
