"""Reading notifications: the bell's unread count and the inbox, both checked for access.

A notification names what it is about by type and id; the app that owns the type resolves
the ids the member may still see (members.hooks.TargetResolver), so a member who lost
access to a thread learns nothing more about it, in the inbox or in the count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.urls import reverse

from members.hooks import NotificationTarget, batch_target_resolver, target_resolver
from members.models import Notification, User
from members.notifications.kinds import KINDS, NotificationKind
from members.notifications.services import unread_cache_key

INBOX_PAGE_SIZE = 30
#: The bell counts at most this many unread notifications ("99+").
UNREAD_COUNT_LIMIT = 99
#: A cached count is recomputed at least this often (access can change without a write).
UNREAD_COUNT_TTL = timedelta(minutes=10)


def resolve_targets(
    member: User, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], NotificationTarget]:
    """(type, id) -> target, for the targets the member may see now. One resolver call (a
    fixed number of queries) per target type; types nobody registered resolve to nothing."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for target_type, target_id in refs:
        by_type[target_type].add(target_id)
    resolved: dict[tuple[str, int], NotificationTarget] = {}
    for target_type, ids in by_type.items():
        resolver = target_resolver(target_type)
        if resolver is None:
            continue
        for target_id, target in resolver(member, sorted(ids)).items():
            resolved[(target_type, target_id)] = target
    return resolved


def resolve_targets_for_members(
    pairs: Iterable[tuple[User, str, int]],
) -> dict[tuple[int, str, int], NotificationTarget]:
    """(member id, type, id) -> target, for each (member, type, id) the member may see now.
    One batch call per target type when its app registered a batch resolver (a fixed
    number of queries however many members); otherwise one call per member."""
    wanted: dict[str, dict[int, User]] = defaultdict(dict)
    ids: dict[str, set[int]] = defaultdict(set)
    for member, target_type, target_id in pairs:
        wanted[target_type][member.pk] = member
        ids[target_type].add(target_id)
    resolved: dict[tuple[int, str, int], NotificationTarget] = {}
    for target_type, members in wanted.items():
        batch = batch_target_resolver(target_type)
        if batch is not None:
            for (member_id, target_id), target in batch(
                sorted(members), sorted(ids[target_type])
            ).items():
                resolved[(member_id, target_type, target_id)] = target
            continue
        for member in members.values():
            for (kind, target_id), target in resolve_targets(
                member, ((target_type, pk) for pk in ids[target_type])
            ).items():
                resolved[(member.pk, kind, target_id)] = target
    return resolved


def unread_count(*, member: User) -> int:
    """How many unread notifications the member has (the bell), capped at
    UNREAD_COUNT_LIMIT + 1: from the cache when it is there (no query), else one query,
    then cached. Notifications are only written for members who may see their target;
    one whose target became hidden since is shown nowhere, and opening the inbox marks it
    read, so the count catches up."""
    key = unread_cache_key(member.pk)
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    count = len(
        Notification.objects.filter(recipient=member, read_at__isnull=True, is_shown=True)
        .order_by()
        .values_list("pk", flat=True)[: UNREAD_COUNT_LIMIT + 1]
    )
    cache.set(key, count, timeout=int(UNREAD_COUNT_TTL.total_seconds()))
    return count


def cached_unread_count(member_id: int) -> int | None:
    """The member's unread count if the cache has it (no query), else None."""
    cached = cache.get(unread_cache_key(member_id))
    return None if cached is None else int(cached)


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: a notification, or several unread ones about the same thing."""

    id: int
    kind: NotificationKind
    text: str
    excerpt: str
    open_url: str
    target_url: str
    is_unread: bool
    created_at: datetime
    actor: User | None
    count: int


@dataclass(frozen=True)
class InboxScreen:
    """The inbox page (and its API twin): a page of rows, newest first."""

    rows: list[InboxRow]
    next_cursor: int | None
    unread_count: int
    unreachable_ids: list[int]


def get_inbox_screen(*, member: User, before: int | None = None) -> InboxScreen:
    """A page of the member's inbox, newest first, grouped; `before` is the previous page's
    `next_cursor`. Rows about things the member can no longer see are left out (their ids
    in `unreachable_ids`, for the caller to mark read). A fixed number of queries whatever
    the inbox's size: groups, their newest notifications with actors, one per target type,
    and the unread count (none when cached)."""
    groups = (
        Notification.objects.filter(recipient=member, is_shown=True)
        .values("group_token")
        .annotate(
            latest_id=Max("id"),
            count=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            actors=Count("actor", distinct=True),
        )
        .order_by("-latest_id")
    )
    if before is not None:
        groups = groups.filter(latest_id__lt=before)
    page = list(groups[: INBOX_PAGE_SIZE + 1])
    more = len(page) > INBOX_PAGE_SIZE
    page = page[:INBOX_PAGE_SIZE]
    latest = {
        n.pk: n
        for n in Notification.objects.filter(pk__in=[g["latest_id"] for g in page]).select_related(
            "actor"
        )
    }
    targets = resolve_targets(member, ((n.target_type, n.target_id) for n in latest.values()))
    rows = []
    unreachable = []
    for group in page:
        notification = latest[group["latest_id"]]
        target = targets.get((notification.target_type, notification.target_id))
        kind = KINDS.get(notification.kind)
        if target is None or kind is None:
            unreachable.append(notification.pk)
            continue
        rows.append(
            InboxRow(
                id=notification.pk,
                kind=kind,
                text=kind.describe(
                    actor=notification.actor.name if notification.actor else "Someone",
                    title=target.title,
                    count=group["count"],
                    actors=max(group["actors"], 1),
                ),
                excerpt=notification.excerpt,
                open_url=reverse("members:notification-open", args=[notification.pk]),
                target_url=target.url,
                is_unread=group["unread"] > 0,
                created_at=notification.created_at,
                actor=notification.actor,
                count=group["count"],
            )
        )
    return InboxScreen(
        rows=rows,
        next_cursor=page[-1]["latest_id"] if more and page else None,
        unread_count=unread_count(member=member),
        unreachable_ids=unreachable,
    )


def get_notification_target(*, member: User, notification_id: int) -> NotificationTarget:
    """Where opening one of the member's notifications leads. Raises
    Notification.DoesNotExist when it is not theirs or its target is no longer visible."""
    notification = Notification.objects.get(recipient=member, pk=notification_id)
    target = resolve_targets(member, [(notification.target_type, notification.target_id)]).get(
        (notification.target_type, notification.target_id)
    )
    if target is None:
        raise Notification.DoesNotExist
    return target
