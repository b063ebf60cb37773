"""AMA questions: the list, asking, voting, the hosts' actions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BodySerializer
from core.ratelimit import check_request_rate
from events import selectors
from events.api.serializers import QuestionSerializer
from events.api.views._common import EVENT_ID, QUESTION_ID, member_of
from events.selectors import QuestionSort
from events.services import questions
from events.services.questions import MAX_QUESTION_LENGTH, HostAction


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
    class InputSerializer(BodySerializer):
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
            member=member_of(request),
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
        check_request_rate(request, "vote")
        changed = questions.vote_for_question(question_id=question_id, member=member_of(request))
        return Response(self.OutputSerializer({"has_voted": True, "changed": changed}).data)

    @extend_schema(
        operation_id="events_questions_vote_destroy",
        parameters=[QUESTION_ID],
        responses={200: OutputSerializer},
    )
    def delete(self, request: Request, question_id: int) -> Response:
        changed = questions.withdraw_vote(question_id=question_id, member=member_of(request))
        return Response(self.OutputSerializer({"has_voted": False, "changed": changed}).data)


class QuestionActionApi(APIView):
    """A host's (or moderator's) action on a question."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="QuestionAction")
    class InputSerializer(BodySerializer):
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
            actor=member_of(request),
            action=data["action"],
            answer_url=data["answer_url"],
            answer_at_seconds=data["answer_at_seconds"],
        )
        return Response(_question(request, question.event_id, question.pk))
