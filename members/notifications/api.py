"""The notifications API: the inbox, the unread count, marking read, email preferences."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BodySerializer, page_link
from members.models import DigestFrequency, EmailMode, User
from members.notifications import selectors, services
from members.notifications.kinds import KINDS
from members.selectors import get_notification_preferences


def _member(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
    return request.user


@extend_schema_serializer(component_name="Notification")
class NotificationRowSerializer(serializers.Serializer[Any]):
    """One line of the inbox (a notification, or several unread ones grouped)."""

    id = serializers.IntegerField(help_text="The newest notification of the line.")
    kind = serializers.CharField(source="kind.key")
    text = serializers.CharField(help_text="Plain text, e.g. “3 new replies in …”.")
    excerpt = serializers.CharField()
    url = serializers.CharField(source="target_url", help_text="Where it leads.")
    is_unread = serializers.BooleanField()
    count = serializers.IntegerField(help_text="Notifications grouped in this line.")
    actor = serializers.CharField(source="actor.handle", allow_null=True)
    created_at = serializers.DateTimeField()


NOTIFICATION_ID = OpenApiParameter("notification_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class NotificationListApi(APIView):
    """The member's notifications, newest first, grouped as the inbox shows them."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="NotificationListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        before = serializers.IntegerField(
            required=False, min_value=1, help_text="`next_cursor` of the previous page."
        )

    @extend_schema_serializer(component_name="NotificationPage")
    class OutputSerializer(serializers.Serializer[Any]):
        unread_count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        next_cursor = serializers.IntegerField(allow_null=True)
        results = NotificationRowSerializer(many=True)

    @extend_schema(
        operation_id="notifications_list",
        parameters=[FilterSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        member = _member(request)
        screen = selectors.get_inbox_screen(
            member=member, before=params.validated_data.get("before")
        )
        if screen.unreachable_ids:
            services.mark_unreachable_read(
                member_id=member.pk, notification_ids=screen.unreachable_ids
            )
        output = {
            "unread_count": screen.unread_count,
            "next": page_link(request, "before", screen.next_cursor),
            "next_cursor": screen.next_cursor,
            "results": screen.rows,
        }
        return Response(self.OutputSerializer(output).data)


class NotificationUnreadCountApi(APIView):
    """How many unread notifications the member has (the bell)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="UnreadCount")
    class OutputSerializer(serializers.Serializer[Any]):
        unread = serializers.IntegerField()

    @extend_schema(operation_id="notifications_unread_count", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(member=_member(request))})


class NotificationReadApi(APIView):
    """Mark a notification read, with the unread ones grouped with it."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Marked")
    class OutputSerializer(serializers.Serializer[Any]):
        marked = serializers.IntegerField(help_text="How many notifications were marked read.")

    @extend_schema(
        operation_id="notifications_read",
        parameters=[NOTIFICATION_ID],
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request: Request, notification_id: int) -> Response:
        marked = services.mark_group_read(
            member_id=_member(request).pk, notification_id=notification_id
        )
        return Response({"marked": marked})


class NotificationReadAllApi(APIView):
    """Mark every unread notification read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read_all",
        request=None,
        responses=NotificationReadApi.OutputSerializer,
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(member_id=_member(request).pk)})


class KindChoiceSerializer(serializers.Serializer[Any]):
    email = serializers.ChoiceField(choices=EmailMode.choices)
    on_site = serializers.BooleanField()


class DigestChoiceSerializer(serializers.Serializer[Any]):
    frequency = serializers.ChoiceField(choices=DigestFrequency.choices)
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 is Monday.")


class NotificationPreferencesApi(APIView):
    """The member's choices: per kind of notification, email (immediately, digest, never)
    and on site; and the digest's frequency and weekday. PUT may name only some kinds."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="NotificationPreferences")
    class PreferencesSerializer(serializers.Serializer[Any]):
        kinds = serializers.DictField(child=KindChoiceSerializer())
        digest = DigestChoiceSerializer()

    @extend_schema_serializer(component_name="NotificationPreferencesUpdate")
    class InputSerializer(BodySerializer):
        kinds = serializers.DictField(child=KindChoiceSerializer(), required=False)
        digest = DigestChoiceSerializer(required=False)

        def validate_kinds(self, value: dict[str, Any]) -> dict[str, Any]:
            unknown = sorted(set(value) - set(KINDS))
            if unknown:
                raise serializers.ValidationError(f"Unknown kinds: {', '.join(unknown)}.")
            return value

    def _output(self, member: User) -> dict[str, Any]:
        return {
            "kinds": {
                kind: {"email": email, "on_site": on_site}
                for kind, (email, on_site) in get_notification_preferences(member=member).items()
            },
            "digest": {"frequency": member.digest_frequency, "weekday": member.digest_weekday},
        }

    @extend_schema(operation_id="me_notification_preferences", responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(self._output(_member(request)))

    @extend_schema(
        operation_id="me_notification_preferences_update",
        request=InputSerializer,
        responses=PreferencesSerializer,
    )
    def put(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = _member(request)
        digest = data.get("digest")
        services.set_notification_preferences(
            member=member,
            preferences={
                kind: (choice["email"], choice["on_site"])
                for kind, choice in data.get("kinds", {}).items()
            },
            digest_frequency=digest["frequency"] if digest else None,
            digest_weekday=digest["weekday"] if digest else None,
        )
        return Response(self._output(member), status=status.HTTP_200_OK)
