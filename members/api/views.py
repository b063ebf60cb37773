from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from members.models import User
from members.services import update_account


class MeApi(APIView):
    """The signed-in member's own account."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.ModelSerializer[User]):
        class Meta:
            model = User
            fields = ("id", "handle", "email", "display_name", "date_joined", "is_staff")
            read_only_fields = fields

    class InputSerializer(serializers.Serializer[None]):
        display_name = serializers.CharField(max_length=80, allow_blank=True)

    @extend_schema(operation_id="me_retrieve", responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
        return Response(self.OutputSerializer(request.user).data)

    @extend_schema(operation_id="me_update", request=InputSerializer, responses=OutputSerializer)
    def patch(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assert isinstance(request.user, User)  # noqa: S101  # IsAuthenticated guarantees it
        member = update_account(member=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(member).data)
