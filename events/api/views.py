"""The events API: lists and detail, registration, waitlist offers, my registrations, AMA
questions, the calendar entry, the host's attendee list and check-in, ratings. Thin: each
view parses, calls one selector or service, and serialises the screen the page shows, so
the access rules are the pages' own."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.pagination import Cursor, decode_cursor
from core.api import page_link
from events import policies, selectors
from events.api.serializers import (
    AttendeeSerializer,
    EventDetailSerializer,
    EventSummarySerializer,
    QuestionSerializer,
    RatingSummarySerializer,
)
from events.models import Event
from events.selectors import EventFilters, QuestionSort, When
from events.services import attendance, questions, registrations
from events.services.questions import MAX_QUESTION_LENGTH, HostAction
from members.models import User

EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.INT, OpenApiParameter.PATH)
QUESTION_ID = OpenApiParameter("question_id", OpenApiTypes.INT, OpenApiParameter.PATH)
REGISTRATION_ID = OpenApiParameter("registration_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _member(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
    return request.user


def _detail(request: Request, event_id: int) -> dict[str, Any]:
    screen = selectors.get_event_screen(viewer=request.user, event_id=event_id)
    return dict(EventDetailSerializer(screen).data)


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
        return Response(_detail(request, event_id))


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
        result = registrations.register_for_event(event_id=event_id, member=_member(request))
        code = status.HTTP_201_CREATED if result.changed else status.HTTP_200_OK
        return Response(_detail(request, event_id), status=code)

    @extend_schema(
        operation_id="events_registration_destroy",
        parameters=[EVENT_ID],
        responses=EventDetailSerializer,
    )
    def delete(self, request: Request, event_id: int) -> Response:
        registrations.cancel_registration(event_id=event_id, member=_member(request))
        return Response(_detail(request, event_id))


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
        registrations.claim_offer(event_id=event_id, member=_member(request))
        return Response(_detail(request, event_id))


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
        registrations.decline_offer(event_id=event_id, member=_member(request))
        return Response(_detail(request, event_id))


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
        screen = selectors.get_my_events_screen(member=_member(request))
        return Response(self.OutputSerializer(screen).data)


class QuestionListApi(APIView):
    """An AMA's questions as the viewer may see them (GET), or ask one (POST)."""

    @extend_schema_serializer(component_name="QuestionListFilter")
    class FilterSerializer(serializers.Serializer[Any]):
        sort = serializers.ChoiceField(choices=QuestionSort.values, default=QuestionSort.VOTES)

    @extend_schema_serializer(component_name="QuestionPage")
    class OutputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField(help_text="Changes whenever the questions do.")
        can_ask = serializers.BooleanField()
        can_moderate = serializers.BooleanField()
        results = QuestionSerializer(many=True, source="rows")

    @extend_schema_serializer(component_name="QuestionCreate")
    class InputSerializer(serializers.Serializer[Any]):
        body = serializers.CharField(max_length=MAX_QUESTION_LENGTH)
        is_anonymous = serializers.BooleanField(
            default=False,
            help_text="Hidden from other members (never from hosts); waits for approval.",
        )

    @extend_schema(
        operation_id="events_questions_list",
        parameters=[EVENT_ID, FilterSerializer],
        responses=OutputSerializer,
    )
    def get(self, request: Request, event_id: int) -> Response:
        params = self.FilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        screen = selectors.get_questions_screen(
            viewer=request.user, event_id=event_id, sort=params.validated_data["sort"]
        )
        return Response(self.OutputSerializer(screen.questions).data)

    @extend_schema(
        operation_id="events_questions_create",
        parameters=[EVENT_ID],
        request=InputSerializer,
        responses={201: QuestionSerializer},
    )
    def post(self, request: Request, event_id: int) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = questions.ask_question(
            event_id=event_id,
            member=_member(request),
            body=serializer.validated_data["body"],
            is_anonymous=serializer.validated_data["is_anonymous"],
        )
        return Response(_question(request, event_id, question.pk), status=status.HTTP_201_CREATED)


def _question(request: Request, event_id: int, question_id: int) -> dict[str, Any]:
    screen = selectors.get_questions_screen(viewer=request.user, event_id=event_id)
    row = next(row for row in screen.questions.rows if row.question.pk == question_id)
    return dict(QuestionSerializer(row).data)


class QuestionVoteApi(APIView):
    """Upvote a question (POST, once per member) or take the vote back (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Vote")
    class OutputSerializer(serializers.Serializer[Any]):
        has_voted = serializers.BooleanField()
        changed = serializers.BooleanField(help_text="False when it was so already.")

    @extend_schema(
        operation_id="events_questions_vote_create",
        parameters=[QUESTION_ID],
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request: Request, question_id: int) -> Response:
        changed = questions.vote_for_question(question_id=question_id, member=_member(request))
        return Response(self.OutputSerializer({"has_voted": True, "changed": changed}).data)

    @extend_schema(
        operation_id="events_questions_vote_destroy",
        parameters=[QUESTION_ID],
        responses=OutputSerializer,
    )
    def delete(self, request: Request, question_id: int) -> Response:
        changed = questions.withdraw_vote(question_id=question_id, member=_member(request))
        return Response(self.OutputSerializer({"has_voted": False, "changed": changed}).data)


class QuestionActionApi(APIView):
    """A host's (or moderator's) action on a question."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="QuestionAction")
    class InputSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(
            choices=HostAction.values,
            help_text="approve, star, unstar, answering (now answering), answered, archive, "
            "reopen.",
        )
        answer_url = serializers.URLField(required=False, default="", allow_blank=True)
        answer_at_seconds = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=0,
            help_text="Where in the recording it was answered.",
        )

    @extend_schema(
        operation_id="events_questions_action",
        parameters=[QUESTION_ID],
        request=InputSerializer,
        responses=QuestionSerializer,
    )
    def post(self, request: Request, question_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        question = questions.moderate_question(
            question_id=question_id,
            actor=_member(request),
            action=data["action"],
            answer_url=data["answer_url"],
            answer_at_seconds=data["answer_at_seconds"],
        )
        return Response(_question(request, question.event_id, question.pk))


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
            actor=_member(request),
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
        responses=AttendeeSerializer,
    )
    def delete(self, request: Request, event_id: int, registration_id: int) -> Response:
        return self._set(request, event_id, registration_id, False)


class CheckInWithCodeApi(APIView):
    """A confirmed registrant checks in with the code the hosts give out during the event."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="CheckInCode")
    class InputSerializer(serializers.Serializer[Any]):
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
            member=_member(request),
            code=serializer.validated_data["attendance_code"],
        )
        return Response(_detail(request, event_id))


class RatingApi(APIView):
    """An attendee rates the event (PUT, again to change it); staff read the summary (GET)."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Rating")
    class InputSerializer(serializers.Serializer[Any]):
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
            member=_member(request),
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
