"""Hosts and afterwards: the attendee list, check-in (by hosts, or with the code), ratings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BodySerializer
from events import policies, selectors
from events.api.serializers import (
    AttendeeSerializer,
    EventDetailSerializer,
    RatingSummarySerializer,
)
from events.api.views._common import EVENT_ID, REGISTRATION_ID, event_detail, member_of
from events.models import Event
from events.services import attendance


class AttendeeListApi(APIView):
    """The host's list of seat holders (hosts and staff), searchable by name or handle."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AttendeeListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        q = serializers.CharField(required=False, default="", max_length=60, allow_blank=True)

    @extend_schema_serializer(component_name="AttendeePage")
    class OutputSerializer(serializers.Serializer[Any]):
        count = serializers.IntegerField(source="registrant_count")
        attended = serializers.IntegerField(source="attended_count")
        results = AttendeeSerializer(many=True, source="registrants")

    @extend_schema(
        operation_id="events_attendees_list",
        parameters=[EVENT_ID, FilterSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request, event_id: int) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        screen = selectors.get_host_screen(
            viewer=request.user, event_id=event_id, query=params.validated_data["q"].strip()
        )
        return Response(self.OutputSerializer(screen).data)


class AttendeeCheckInApi(APIView):
    """A host marks a seat holder as attended (POST) or takes it back (DELETE)."""

    permission_classes = [IsAuthenticated]

    def _set(
        self, request: Request, event_id: int, registration_id: int, attended: bool
    ) -> Response:
        registration = attendance.set_attendance(
            actor=member_of(request),
            event_id=event_id,
            registration_id=registration_id,
            attended=attended,
        )
        return Response(AttendeeSerializer(registration).data)

    @extend_schema(
        operation_id="events_attendees_check_in",
        parameters=[EVENT_ID, REGISTRATION_ID],
        request=None,
        responses=AttendeeSerializer,
    )
    def post(self, request: Request, event_id: int, registration_id: int) -> Response:
        return self._set(request, event_id, registration_id, True)

    @extend_schema(
        operation_id="events_attendees_check_in_undo",
        parameters=[EVENT_ID, REGISTRATION_ID],
        responses={200: AttendeeSerializer},
    )
    def delete(self, request: Request, event_id: int, registration_id: int) -> Response:
        return self._set(request, event_id, registration_id, False)


class CheckInWithCodeApi(APIView):
    """A confirmed registrant checks in with the code the hosts give out during the event."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="CheckInCode")
    class InputSerializer(BodySerializer):
        attendance_code = serializers.CharField(
            max_length=20, help_text="The code the hosts give out during the event."
        )

    @extend_schema(
        operation_id="events_check_in",
        parameters=[EVENT_ID],
        request=InputSerializer,
        responses=EventDetailSerializer,
    )
    def post(self, request: Request, event_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance.check_in_with_code(
            event_id=event_id,
            member=member_of(request),
            code=serializer.validated_data["attendance_code"],
        )
        return Response(event_detail(request, event_id))


class RatingApi(APIView):
    """An attendee rates the event (PUT, again to change it); staff read the summary (GET)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Rating")
    class InputSerializer(BodySerializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=1000
        )

    @extend_schema(
        operation_id="events_rating_update",
        parameters=[EVENT_ID],
        request=InputSerializer,
        responses=InputSerializer,
    )
    def put(self, request: Request, event_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = attendance.rate_event(
            event_id=event_id,
            member=member_of(request),
            score=serializer.validated_data["score"],
            comment=serializer.validated_data["comment"],
        )
        return Response(self.InputSerializer(rating).data)

    @extend_schema(
        operation_id="events_ratings_summary",
        parameters=[EVENT_ID],
        responses=RatingSummarySerializer,
    )
    def get(self, request: Request, event_id: int) -> Response:
        event = selectors.get_event(viewer=request.user, event_id=event_id)
        if not policies.is_staff(request.user):
            raise Event.DoesNotExist
        summary = selectors.rating_summary(event=event)
        return Response(
            RatingSummarySerializer(
                {
                    "count": summary.count,
                    "average": summary.average,
                    "distribution": {str(k): v for k, v in summary.distribution.items()},
                }
            ).data
        )
