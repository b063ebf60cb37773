"""Reads for the moderation screens: the moderators page (staff), the audit log (staff)
and the review queue (moderators, their categories only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from community import policies
from community.models import Category, CategoryModerator, Flag, ModerationAction, Post, Thread
from members.models import User
from members.policies import Viewer, is_member, is_staff, suspension_notice


class NotAllowedScreenError(Exception):
    """The viewer may not use this screen; views answer 404 (it does not exist for them)."""


@dataclass(frozen=True)
class ModeratorsScreen:
    """Who moderates what, and the categories to appoint them to."""

    forum_moderators: list[User]
    category_moderators: list[CategoryModerator]
    categories: list[Category]


def get_moderators_screen(*, viewer: Viewer) -> ModeratorsScreen:
    """Who moderates what, for staff. Three queries. Raises NotAllowedScreenError."""
    if not is_staff(viewer):
        raise NotAllowedScreenError
    return ModeratorsScreen(
        forum_moderators=list(User.objects.filter(is_moderator=True).order_by("handle")),
        category_moderators=list(
            CategoryModerator.objects.select_related("member", "category").order_by(
                "category__position", "category__name", "member__handle"
            )
        ),
        categories=list(Category.objects.order_by("position", "name")),
    )


def flag_outcome_text(flag: Flag) -> str:
    """How a flag's outcome reads to the member who raised it (thread/post/member loaded)."""
    if flag.post_id is not None and flag.post is not None:
        what = f"post #{flag.post.number} in “{flag.post.thread.title}”"
    elif flag.thread_id is not None and flag.thread is not None:
        what = f"the thread “{flag.thread.title}”"
    elif flag.member is not None:
        what = f"@{flag.member.handle}'s profile"
    else:
        what = "something"
    if flag.status == Flag.Status.UPHELD:
        return f"Thanks: moderators acted on your flag of {what}"
    if flag.status == Flag.Status.DISMISSED:
        return f"Moderators reviewed your flag of {what} and kept it up"
    return f"Your flag of {what} is waiting for a moderator"


# --- The review queue -----------------------------------------------------------------------

#: Items of each kind the queue shows at once (oldest first): moderators clear from the top.
QUEUE_SIZE = 50
HISTORY_SIZE = 3


@dataclass(frozen=True)
class AuthorHistory:
    """What a moderator wants to know of the author: how long here, how much they wrote,
    and the latest moderation actions about them."""

    member: User | None
    post_count: int
    actions: list[ModerationAction]


@dataclass(frozen=True)
class QueueItem:
    """One thing to review: a post (held, hidden or flagged), a flagged thread or profile."""

    kind: str  # "post", "thread" or "profile"
    pk: int
    title: str
    url: str
    html: str
    status: str
    status_reason: str
    flags: list[Flag]
    history: AuthorHistory
    created_at: datetime
    can_suspend: bool
    thread_id: int | None = None
    thread_is_locked: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"


@dataclass(frozen=True)
class ReviewQueueScreen:
    """The review queue: items oldest first, and where threads may move."""

    items: list[QueueItem]
    categories: list[Category]  # where the moderator may move threads
    can_suspend: bool
    #: Moderators reward a post's author from the queue (members' reward page): every post
    #: in the queue is in a category the viewer moderates.
    can_reward: bool = False


def get_review_queue_screen(*, viewer: Viewer) -> ReviewQueueScreen:
    """Held, hidden and flagged posts, flagged threads and (forum-wide) flagged profiles in
    the viewer's categories, oldest first, with each author's history and the flags.

    A fixed number of queries whatever the queue holds. Raises NotAllowedScreenError for
    anyone who moderates nothing."""
    if not isinstance(viewer, User) or not policies.moderates_anything(viewer):
        raise NotAllowedScreenError
    everywhere = policies.can_moderate_everywhere(viewer)
    scope = policies.moderation_scope(viewer, "thread__category__")
    open_flag = Flag.objects.filter(status=Flag.Status.OPEN)
    posts = list(
        Post.objects.filter(scope, is_deleted=False)
        .filter(  # held, or flagged and not reviewed yet (flags hide some until then)
            Q(status=Post.Status.HELD)
            | Q(pk__in=open_flag.filter(post__isnull=False).values("post_id"))
        )
        .select_related("thread", "author")
        .defer("search_vector")
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )
    threads = list(
        Thread.objects.filter(policies.moderation_scope(viewer, "category__"))
        .filter(pk__in=open_flag.filter(thread__isnull=False).values("thread_id"))
        .select_related("author")
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )
    profiles: list[User] = []
    if everywhere:
        profiles = list(
            User.objects.filter(
                pk__in=open_flag.filter(member__isnull=False).values("member_id")
            ).order_by("date_joined", "pk")[:QUEUE_SIZE]
        )
    flags = list(
        open_flag.filter(
            Q(post__in=[p.pk for p in posts])
            | Q(thread__in=[t.pk for t in threads])
            | Q(member__in=[m.pk for m in profiles])
        )
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    by_target: dict[tuple[str, int], list[Flag]] = {}
    for flag in flags:
        if flag.post_id is not None:
            by_target.setdefault(("post", flag.post_id), []).append(flag)
        elif flag.thread_id is not None:
            by_target.setdefault(("thread", flag.thread_id), []).append(flag)
        elif flag.member_id is not None:
            by_target.setdefault(("profile", flag.member_id), []).append(flag)
    authors = {p.author_id for p in posts if p.author_id is not None}
    authors |= {t.author_id for t in threads if t.author_id is not None}
    authors |= {m.pk for m in profiles}
    histories = _histories(authors)

    def history(member: User | None) -> AuthorHistory:
        if member is None:
            return AuthorHistory(member=None, post_count=0, actions=[])
        count, actions = histories.get(member.pk, (0, []))
        return AuthorHistory(member=member, post_count=count, actions=actions)

    items = [
        QueueItem(
            kind="post",
            pk=post.pk,
            title=f"#{post.number} in “{post.thread.title}”",
            url=post.get_absolute_url(),
            html=post.html,
            status=post.status,
            status_reason=post.status_reason,
            flags=by_target.get(("post", post.pk), []),
            history=history(post.author),
            created_at=post.created_at,
            can_suspend=everywhere,
            thread_id=post.thread_id,
            thread_is_locked=post.thread.is_locked,
        )
        for post in posts
    ]
    items += [
        QueueItem(
            kind="thread",
            pk=thread.pk,
            title=f"Thread “{thread.title}”",
            url=thread.get_absolute_url(),
            html="",
            status="flagged",
            status_reason="",
            flags=by_target.get(("thread", thread.pk), []),
            history=history(thread.author),
            created_at=thread.created_at,
            can_suspend=everywhere,
            thread_id=thread.pk,
            thread_is_locked=thread.is_locked,
        )
        for thread in threads
    ]
    items += [
        QueueItem(
            kind="profile",
            pk=profile.pk,
            title=f"Profile of @{profile.handle}",
            url=reverse("members:profile", args=[profile.handle]),
            html=profile.bio_html,
            status="flagged",
            status_reason="",
            flags=by_target.get(("profile", profile.pk), []),
            history=history(profile),
            created_at=profile.date_joined,
            can_suspend=everywhere,
        )
        for profile in profiles
    ]
    items.sort(key=lambda item: item.created_at)
    categories = list(
        policies.visible_categories(viewer)
        .filter(policies.moderation_scope(viewer))
        .order_by("position", "name")
    )
    return ReviewQueueScreen(
        items=items,
        categories=categories,
        can_suspend=everywhere,
        can_reward=True,
    )


def _histories(member_ids: set[int]) -> dict[int, tuple[int, list[ModerationAction]]]:
    """Each author's post count and latest moderation actions: two queries for all."""
    if not member_ids:
        return {}
    counts = dict(
        Post.objects.filter(author__in=member_ids, is_deleted=False)
        .values("author")
        .annotate(n=Count("pk"))
        .values_list("author", "n")
    )
    latest = (
        ModerationAction.objects.filter(member__in=member_ids)
        .exclude(action__in=[ModerationAction.Action.APPOINT_MODERATOR])
        .only("id", "action", "reason", "target", "created_at", "member_id")
        .order_by("-created_at", "-id")[: HISTORY_SIZE * len(member_ids) * 4]
    )
    actions: dict[int, list[ModerationAction]] = {}
    for action in latest:
        assert action.member_id is not None  # noqa: S101  # filtered on member above
        bucket = actions.setdefault(action.member_id, [])
        if len(bucket) < HISTORY_SIZE:
            bucket.append(action)
    return {pk: (counts.get(pk, 0), actions.get(pk, [])) for pk in member_ids}


# --- The audit log (staff) --------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """Audit log filters: an action, the actor's and the member's handles, a category slug."""

    action: str = ""
    actor: str = ""  # a handle
    member: str = ""  # a handle
    category: str = ""  # a slug


@dataclass(frozen=True)
class AuditLogScreen:
    """One page of the audit log with its filters."""

    actions: list[ModerationAction]
    filters: AuditFilters
    page: int
    has_next: bool
    action_choices: list[tuple[str, str]]
    categories: list[Category]


def list_moderation_actions(filters: AuditFilters) -> QuerySet[ModerationAction]:
    """The audit log, newest first, filtered (the one filter for page and API)."""
    actions = ModerationAction.objects.select_related("actor", "member", "category")
    if filters.action:
        actions = actions.filter(action=filters.action)
    if filters.actor:
        actions = actions.filter(actor__handle__iexact=filters.actor.lstrip("@"))
    if filters.member:
        actions = actions.filter(member__handle__iexact=filters.member.lstrip("@"))
    if filters.category:
        actions = actions.filter(category__slug=filters.category)
    return actions.order_by("-created_at", "-id")


def get_audit_log_screen(*, viewer: Viewer, filters: AuditFilters, page: int) -> AuditLogScreen:
    """One page of the audit log for staff (no COUNT: a next page exists when one more row
    does). Two queries. Raises NotAllowedScreenError."""
    if not is_staff(viewer):
        raise NotAllowedScreenError
    start = (page - 1) * AUDIT_PAGE_SIZE
    rows = list(list_moderation_actions(filters)[start : start + AUDIT_PAGE_SIZE + 1])
    return AuditLogScreen(
        actions=rows[:AUDIT_PAGE_SIZE],
        filters=filters,
        page=page,
        has_next=len(rows) > AUDIT_PAGE_SIZE,
        action_choices=list(ModerationAction.Action.choices),
        categories=list(Category.objects.order_by("position", "name")),
    )


# --- A member's own notices -----------------------------------------------------------------

NOTICE_ACTIONS = [
    ModerationAction.Action.WARN,
    ModerationAction.Action.SUSPEND,
    ModerationAction.Action.UNSUSPEND,
    ModerationAction.Action.HIDE_POST,
    ModerationAction.Action.DELETE_POST,
    ModerationAction.Action.APPROVE_POST,
]


@dataclass(frozen=True)
class NoticeRow:
    """One line of a member's notices page."""

    text: str
    created_at: datetime


@dataclass(frozen=True)
class NoticesScreen:
    """What moderators decided about the member and about what they flagged."""

    suspension: str
    notices: list[NoticeRow]
    flags: list[NoticeRow]
    pending: list[Post]


def get_notices_screen(*, member: User) -> NoticesScreen:
    """The member's suspension (if any), moderators' messages to them, their flags'
    outcomes and their posts awaiting review. Three queries."""
    from community.notifications import notice_text

    actions = ModerationAction.objects.filter(member=member, action__in=NOTICE_ACTIONS).order_by(
        "-created_at", "-id"
    )[:50]
    flags = (
        Flag.objects.filter(reporter=member)
        .select_related("post__thread", "thread", "member")
        .order_by("-created_at", "-id")[:50]
    )
    pending = (
        Post.objects.filter(author=member, is_deleted=False)
        .exclude(status=Post.Status.PUBLISHED)
        .select_related("thread")
        .defer("search_vector")
        .order_by("-created_at")[:50]
    )
    return NoticesScreen(
        suspension=suspension_notice(member) if member.is_suspended else "",
        notices=[NoticeRow(notice_text(a), a.created_at) for a in actions],
        flags=[NoticeRow(flag_outcome_text(f), f.created_at) for f in flags],
        pending=list(pending),
    )


# --- The profile page's moderation block --------------------------------------------------------


@dataclass(frozen=True)
class ProfileModeration:
    """What the viewer may do about a member from their profile: flag it; for forum-wide
    moderators and staff, warn, suspend or lift a suspension (and see its state)."""

    can_flag: bool
    can_moderate: bool
    suspension: str  # the member's suspension as they are told it ("" when not suspended)


def profile_moderation(member: User, viewer: Viewer) -> ProfileModeration | None:
    """The profile block's data (a members.hooks.ProfileSection loader). No query."""
    if not isinstance(viewer, User) or viewer.pk == member.pk or not is_member(viewer):
        return None
    can_moderate = policies.can_moderate_everywhere(viewer) and (
        is_staff(viewer) or not (member.is_staff or member.is_moderator)
    )
    return ProfileModeration(
        can_flag=True,
        can_moderate=can_moderate,
        suspension=suspension_notice(member) if can_moderate else "",
    )
