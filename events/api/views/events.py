"""Events: the list, one event, registering and cancelling, the waitlist's offers, my
registrations, the calendar entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.pagination import Cursor, decode_cursor
from core.api import page_link
from core.ratelimit import check_request_rate
from events import selectors
from events.api.serializers import EventDetailSerializer, EventSummarySerializer
from events.api.views._common import EVENT_ID, event_detail, member_of
from events.models import Event
from events.selectors import EventFilters, When
from events.services import registrations
from members.models import User


class EventListApi(APIView):
    """Events the viewer may see: upcoming (soonest first) or past, cursor-paginated."""

    @extend_schema_serializer(component_name="EventListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        when = serializers.ChoiceField(choices=When.values, default=When.UPCOMING)
        kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
        topic = serializers.SlugField(required=False, max_length=50, help_text="A topic slug.")
        for_me = serializers.BooleanField(
            required=False, default=False, help_text="In my topics, or for my tier (members)."
        )
        cursor = serializers.CharField(
            required=False, max_length=200, help_text="`next_cursor` of the previous page."
        )

        def validate_cursor(self, value: str) -> Cursor:
            position = decode_cursor(value)
            if position is None:
                raise serializers.ValidationError("Invalid cursor.")
            return position

    @extend_schema_serializer(component_name="EventPage")
    class OutputSerializer(serializers.Serializer[Any]):
        next = serializers.URLField(allow_null=True)
        next_cursor = serializers.CharField(allow_null=True)
        results = EventSummarySerializer(many=True)

    @extend_schema(
        operation_id="events_list", parameters=[FilterSerializer], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = selectors.list_events(
            viewer=request.user,
            when=data["when"],
            filters=EventFilters(
                kind=data.get("kind", ""),
                topic=data.get("topic", ""),
                for_me=data["for_me"] and isinstance(request.user, User),
            ),
            position=data.get("cursor"),
        )
        output = {
            "next": page_link(request, "cursor", page.next_cursor),
            "next_cursor": page.next_cursor,
            "results": page.rows,
        }
        return Response(self.OutputSerializer(output).data)


class EventDetailApi(APIView):
    """One event, with the viewer's registration and what they may do."""

    @extend_schema(
        operation_id="events_retrieve", parameters=[EVENT_ID], responses=EventDetailSerializer
    )
    def get(self, request: Request, event_id: int) -> Response:
        return Response(event_detail(request, event_id))


class EventRegistrationApi(APIView):
    """Register (POST: a seat, or the waitlist; idempotent) or cancel (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_registration_create",
        parameters=[EVENT_ID],
        request=None,
        responses={201: EventDetailSerializer, 200: EventDetailSerializer},
    )
    def post(self, request: Request, event_id: int) -> Response:
        check_request_rate(request, "register")
        result = registrations.register_for_event(event_id=event_id, member=member_of(request))
        code = status.HTTP_201_CREATED if result.changed else status.HTTP_200_OK
        return Response(event_detail(request, event_id), status=code)

    @extend_schema(
        operation_id="events_registration_destroy",
        parameters=[EVENT_ID],
        responses={200: EventDetailSerializer},
    )
    def delete(self, request: Request, event_id: int) -> Response:
        registrations.cancel_registration(event_id=event_id, member=member_of(request))
        return Response(event_detail(request, event_id))


class EventOfferClaimApi(APIView):
    """Claim the seat offered from the waitlist."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_offer_claim",
        parameters=[EVENT_ID],
        request=None,
        responses=EventDetailSerializer,
    )
    def post(self, request: Request, event_id: int) -> Response:
        registrations.claim_offer(event_id=event_id, member=member_of(request))
        return Response(event_detail(request, event_id))


class EventOfferDeclineApi(APIView):
    """Give the offered seat to the next in line."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="events_offer_decline",
        parameters=[EVENT_ID],
        request=None,
        responses=EventDetailSerializer,
    )
    def post(self, request: Request, event_id: int) -> Response:
        registrations.decline_offer(event_id=event_id, member=member_of(request))
        return Response(event_detail(request, event_id))


class MyRegistrationsApi(APIView):
    """The member's events: coming up (seats, offers, waitlist), hosting, past."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="MyEvents")
    class OutputSerializer(serializers.Serializer[Any]):
        upcoming = EventSummarySerializer(many=True)
        hosting = EventSummarySerializer(many=True)
        past = EventSummarySerializer(many=True)

    @extend_schema(operation_id="events_mine", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        screen = selectors.get_my_events_screen(member=member_of(request))
        return Response(self.OutputSerializer(screen).data)


class EventCalendarApi(APIView):
    """The event's calendar entry (.ics): the join link only for a seat holder or host."""

    @extend_schema(
        operation_id="events_calendar",
        parameters=[EVENT_ID],
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, event_id: int) -> HttpResponse:
        content = selectors.event_calendar_for(viewer=request.user, event_id=event_id)
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="event-{event_id}.ics"'
        return response
