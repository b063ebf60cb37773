"""Moderation API: members flag; moderators read their queue and act on it; staff read the
audit log. The same selectors and services as the pages (community.selectors.moderation,
community.moderation_actions)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import moderation_actions, policies
from community.api.views._common import _member
from community.models import Flag, ModerationAction
from community.selectors import moderation as moderation_selectors
from community.services import flags
from core.api import BodySerializer, or_400, page_link
from core.ratelimit import check_request_rate
from members.policies import is_staff


class IsModerator(permissions.BasePermission):
    """Moderators of any category (forum-wide ones, staff); 403 for other members."""

    message = "Only moderators can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.is_authenticated and (policies.moderates_anything(request.user))


class IsStaffMember(permissions.BasePermission):
    message = "Only staff can read the audit log."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.is_authenticated and is_staff(request.user)


class FlagCreateApi(APIView):
    """Flag a post, a thread or a member's profile, once each (409 the second time)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema_serializer(component_name="FlagCreate")
    class InputSerializer(BodySerializer):
        target = serializers.ChoiceField(choices=["post", "thread", "profile"])
        id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        reason = serializers.ChoiceField(choices=Flag.Reason.choices)
        text = serializers.CharField(
            max_length=500,
            required=False,
            default="",
            allow_blank=True,
            help_text="Required for reason `other`.",
        )

    @extend_schema_serializer(component_name="Flag")
    class OutputSerializer(serializers.Serializer[Flag]):
        id = serializers.IntegerField()
        reason = serializers.CharField()
        status = serializers.CharField()

    @extend_schema(
        operation_id="flags_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_request_rate(request, "flag")
        member = _member(request)
        reason, text, target, pk = data["reason"], data["text"], data["target"], data["id"]
        flaggers = {
            "post": lambda: flags.flag_post(member=member, post_id=pk, reason=reason, text=text),
            "thread": lambda: flags.flag_thread(
                member=member, thread_id=pk, reason=reason, text=text
            ),
            "profile": lambda: flags.flag_profile(
                member=member, member_id=pk, reason=reason, text=text
            ),
        }
        # The id is in the body: a missing one is bad input, not a missing page.
        flag = or_400("id", f"No {target} with this id that you may see.", flaggers[target])
        return Response(self.OutputSerializer(flag).data, status=status.HTTP_201_CREATED)


class QueueFlagSerializer(serializers.Serializer[Flag]):
    reporter = serializers.CharField(source="reporter.handle")
    reason = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class QueueItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["post", "thread", "profile"])
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    url = serializers.CharField()
    status = serializers.CharField(help_text="held, hidden or flagged")
    status_reason = serializers.CharField()
    author = serializers.SerializerMethodField()
    author_post_count = serializers.IntegerField(source="history.post_count")
    flags = QueueFlagSerializer(many=True)
    created_at = serializers.DateTimeField()

    def get_author(self, item: moderation_selectors.QueueItem) -> str | None:
        member = item.history.member
        return member.handle if member else None


class QueueListApi(APIView):
    """The review queue of the signed-in moderator's categories, oldest first (up to 50 of
    each kind: posts, threads, profiles)."""

    permission_classes = [permissions.IsAuthenticated, IsModerator]

    @extend_schema(operation_id="moderation_queue_list", responses=QueueItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        screen = moderation_selectors.get_review_queue_screen(viewer=request.user)
        return Response(QueueItemSerializer(screen.items, many=True).data)


class ModerationActionCreateApi(APIView):
    """Act on a queue item: approve, hide, delete or restore a post; lock, move, merge or
    keep (dismiss flags on) a thread; keep a profile; warn, suspend or unsuspend a member;
    undo a merge (staff: kind audit, the merge's audit row id). One audit row per action."""

    permission_classes = [permissions.IsAuthenticated, IsModerator]

    @extend_schema_serializer(component_name="ModerationActionCreate")
    class InputSerializer(BodySerializer):
        kind = serializers.ChoiceField(
            choices=["post", "thread", "profile", "member", "audit"],
            help_text="audit: the id is an audit row (unmerge: staff undo that merge)",
        )
        action = serializers.ChoiceField(
            choices=sorted({action for _, action in moderation_actions.ACTIONS})
        )
        id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
        category = serializers.IntegerField(
            min_value=1, max_value=2**31 - 1, required=False, help_text="move: the category id"
        )
        into = serializers.IntegerField(
            min_value=1, max_value=2**31 - 1, required=False, help_text="merge: the thread id"
        )
        days = serializers.IntegerField(
            min_value=0, max_value=3650, required=False, help_text="suspend: days, 0 for good"
        )
        post = serializers.IntegerField(
            min_value=1, max_value=2**31 - 1, required=False, help_text="warn: about this post"
        )
        value = serializers.ChoiceField(
            choices=["on", "off"], required=False, help_text="lock: off unlocks"
        )

    @extend_schema_serializer(component_name="ModerationActionDone")
    class OutputSerializer(serializers.Serializer[Any]):
        detail = serializers.CharField()

    @extend_schema(
        operation_id="moderation_actions_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        done = or_400(  # the ids are in the body: a missing one is bad input
            "id",
            "Nothing with this id that you may act on.",
            lambda: moderation_actions.perform(
                _member(request),
                kind=data["kind"],
                action=data["action"],
                target=data["id"],
                reason=data["reason"],
                data=data,
            ),
        )
        return Response({"detail": done}, status=status.HTTP_201_CREATED)


class AuditActionSerializer(serializers.ModelSerializer[ModerationAction]):
    actor = serializers.CharField(source="actor.handle", allow_null=True, default=None)
    member = serializers.CharField(source="member.handle", allow_null=True, default=None)
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)

    class Meta:
        model = ModerationAction
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "target",
            "category",
            "thread",
            "post",
            "member",
            "reason",
            "before",
            "after",
        ]


class AuditFilterSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=ModerationAction.Action.choices, required=False)
    actor = serializers.CharField(max_length=40, required=False)
    member = serializers.CharField(max_length=40, required=False)
    category = serializers.CharField(max_length=60, required=False)
    page = serializers.IntegerField(min_value=1, max_value=100_000, required=False)


class AuditPageSerializer(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = AuditActionSerializer(many=True)


class AuditLogListApi(APIView):
    """The audit log, newest first, 50 a page (staff only)."""

    permission_classes = [permissions.IsAuthenticated, IsStaffMember]

    @extend_schema(
        operation_id="moderation_audit_list",
        parameters=[AuditFilterSerializer],
        responses=AuditPageSerializer,
    )
    def get(self, request: Request) -> Response:
        params = AuditFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        page = query.get("page", 1)
        screen = moderation_selectors.get_audit_log_screen(
            viewer=request.user,
            filters=moderation_selectors.AuditFilters(
                action=query.get("action", ""),
                actor=query.get("actor", ""),
                member=query.get("member", ""),
                category=query.get("category", ""),
            ),
            page=page,
        )
        return Response(
            {
                "next": page_link(request, "page", page + 1) if screen.has_next else None,
                "previous": page_link(request, "page", page - 1) if page > 1 else None,
                "results": AuditActionSerializer(screen.actions, many=True).data,
            }
        )
