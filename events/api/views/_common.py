"""What the events API views share: the signed-in member, the event detail payload, path
parameters."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from events import selectors
from events.api.serializers import EventDetailSerializer
from members.models import User

EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.INT, OpenApiParameter.PATH)
QUESTION_ID = OpenApiParameter("question_id", OpenApiTypes.INT, OpenApiParameter.PATH)
REGISTRATION_ID = OpenApiParameter("registration_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def member_of(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
    return request.user


def event_detail(request: Request, event_id: int) -> dict[str, Any]:
    screen = selectors.get_event_screen(viewer=request.user, event_id=event_id)
    return dict(EventDetailSerializer(screen).data)
