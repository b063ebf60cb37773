"""Writing notifications and their read state. `notify()` is the one entry point.

Every capability calls notify() with the members to tell, the kind, who acted, what it is
about and an idempotency key: a retried or raced call creates nothing twice (a unique
(recipient, key) row). The member's choices decide the rest: shown in the inbox or not,
emailed after a short window, left for the digest, or not emailed at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from members.models import (
    DigestFrequency,
    EmailMode,
    Notification,
    NotificationSetting,
    UnsubscribeFeedback,
    User,
)
from members.notifications.kinds import KINDS

#: How long an "immediately" email waits, so a member who sees it in the app gets none.
EMAIL_WINDOW = timedelta(seconds=settings.NOTIFICATION_EMAIL_WINDOW_SECONDS)


def unread_cache_key(member_id: int) -> str:
    """The cache key of the member's unread count (the bell)."""
    return f"notifications:unread:{member_id}"


def forget_unread_counts(member_ids: Iterable[int]) -> None:
    """Drop the cached unread counts now and again after commit (so a request that read the
    old rows between the two cannot keep a stale count)."""
    keys = [unread_cache_key(pk) for pk in member_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def email_choices(*, member_ids: Iterable[int], kind: str) -> dict[int, tuple[str, bool]]:
    """member id -> (email mode, shown on site) for `kind`, the kind's defaults where the
    member chose nothing. One query."""
    definition = KINDS[kind]
    ids = list(member_ids)
    chosen = {
        row.member_id: (row.email, row.on_site)
        for row in NotificationSetting.objects.filter(member_id__in=ids, kind=kind)
    }
    default = (definition.email_default, definition.on_site_default)
    return {pk: chosen.get(pk, default) for pk in ids}


def notify(
    *,
    recipients: Iterable[int],
    kind: str,
    actor_id: int | None,
    target_type: str,
    target_id: int,
    key: str,
    scope: str = "",
    group_key: str = "",
    excerpt: str = "",
    sends_own_email: bool = False,
) -> int:
    """Tell `recipients` (member ids) about `target_type` #`target_id`, once per (member,
    key). Never the actor, never an inactive (deleted, deactivated) account; a member who
    turned the kind off both ways gets nothing. Unread notifications with the same
    `group_key` (default: kind and target) join one inbox line.

    `sends_own_email`: the caller emails the members itself (an event's seat offer carries
    a claim deadline and a calendar entry the generic notification email cannot), so the
    notification is for the inbox only and no second email follows it.

    Callers pass members who may see the target now; access is checked again whenever the
    notification is shown or emailed. Returns how many rows it wrote (retries write none).
    Costs a fixed number of queries per call: callers fan out in bounded chunks.
    """
    return notify_each(
        kind=kind,
        actor_id=actor_id,
        notices=[
            Notice(
                recipient_id=pk,
                target_type=target_type,
                target_id=target_id,
                key=key,
                excerpt=excerpt,
                group_key=group_key,
            )
            for pk in recipients
        ],
        scope=scope,
        sends_own_email=sends_own_email,
    )


@dataclass(frozen=True)
class Notice:
    """One member's notification for notify_each: what it is about, its idempotency key
    (unique per member), its excerpt and inbox group (default: kind and target)."""

    recipient_id: int
    target_type: str
    target_id: int
    key: str
    excerpt: str = ""
    group_key: str = ""


def notify_each(
    *,
    kind: str,
    actor_id: int | None,
    notices: Sequence[Notice],
    scope: str = "",
    sends_own_email: bool = False,
) -> int:
    """notify() for many members at once, each with their own target, key and excerpt (a
    nightly pass telling thousands of members of their own change). The same rules as
    notify(): once per (member, key), never the actor or an inactive account, the member's
    choices. Five queries whatever the number of notices. Returns how many rows it wrote."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    unique = {(notice.recipient_id, notice.key): notice for notice in reversed(notices)}
    wanted = sorted(
        (notice for notice in unique.values() if notice.recipient_id != actor_id),
        key=lambda notice: notice.recipient_id,
    )
    if not wanted:
        return 0
    active = set(
        User.objects.filter(
            pk__in={notice.recipient_id for notice in wanted}, is_active=True
        ).values_list("pk", flat=True)
    )
    choices = email_choices(member_ids=sorted(active), kind=kind)

    def group_of(notice: Notice) -> str:
        return notice.group_key or f"{kind}:{notice.target_type}:{notice.target_id}"

    tokens = {
        (recipient_id, group_key): token
        for recipient_id, group_key, token in Notification.objects.filter(
            recipient_id__in=active,
            group_key__in={group_of(notice) for notice in wanted},
            read_at__isnull=True,
        ).values_list("recipient_id", "group_key", "group_token")
    }
    already = set(
        Notification.objects.filter(
            recipient_id__in=active, key__in={notice.key for notice in wanted}
        ).values_list("recipient_id", "key")
    )
    now = timezone.now()
    rows = []
    for notice in wanted:
        member_id = notice.recipient_id
        if member_id not in active:
            continue
        email_mode, on_site = choices[member_id]
        if sends_own_email:
            email_mode = EmailMode.NEVER
        if (member_id, notice.key) in already or (email_mode == EmailMode.NEVER and not on_site):
            continue
        group_key = group_of(notice)
        rows.append(
            Notification(
                recipient_id=member_id,
                kind=kind,
                actor_id=actor_id,
                target_type=notice.target_type,
                target_id=notice.target_id,
                scope=scope,
                group_key=group_key,
                group_token=tokens.get((member_id, group_key)) or uuid.uuid4().hex,
                key=notice.key,
                excerpt=notice.excerpt[:300],
                is_shown=on_site,
                created_at=now,
                email_state=_initial_email_state(email_mode),
                email_due_at=now + EMAIL_WINDOW if email_mode == EmailMode.IMMEDIATELY else None,
            )
        )
    # A concurrent call with the same key loses the race to the unique constraint.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    forget_unread_counts(row.recipient_id for row in rows if row.is_shown)
    return len(rows)


def _initial_email_state(mode: str) -> str:
    if mode == EmailMode.IMMEDIATELY:
        return Notification.EmailState.PENDING
    if mode == EmailMode.DIGEST:
        return Notification.EmailState.DIGEST
    return Notification.EmailState.NONE


def _mark(member_id: int, **lookup: object) -> int:
    unread = Notification.objects.filter(recipient_id=member_id, read_at__isnull=True, **lookup)
    marked = unread.update(
        read_at=timezone.now(),
        # Seen in the app: an email still waiting for its window is not sent.
        email_state=Case(
            When(
                email_state=Notification.EmailState.PENDING,
                then=Value(Notification.EmailState.SKIPPED),
            ),
            default=F("email_state"),
        ),
    )
    if marked:
        forget_unread_counts([member_id])
    return marked


def mark_group_read(*, member_id: int, notification_id: int) -> int:
    """Mark a notification and the unread ones grouped with it read. Returns how many."""
    token = (
        Notification.objects.filter(recipient_id=member_id, pk=notification_id)
        .values_list("group_token", flat=True)
        .first()
    )
    if token is None:
        return 0
    return _mark(member_id, group_token=token)


def mark_unreachable_read(*, member_id: int, notification_ids: list[int]) -> int:
    """Mark read the groups of notifications whose target the member can no longer see
    (the inbox leaves them out; this keeps the bell from counting them)."""
    tokens = Notification.objects.filter(recipient_id=member_id, pk__in=notification_ids).values(
        "group_token"
    )
    return _mark(member_id, group_token__in=tokens) if notification_ids else 0


def mark_all_read(*, member_id: int) -> int:
    """Mark every unread notification of the member read. Returns how many."""
    return _mark(member_id)


def mark_scope_read(*, member_id: int, scope: str) -> int:
    """Mark read what reading `scope` answers (a thread read marks its replies read).

    Costs nothing when the member's cached unread count is known to be zero."""
    if cache.get(unread_cache_key(member_id)) == 0:
        return 0
    return _mark(member_id, scope=scope)


@transaction.atomic
def set_notification_preferences(
    *,
    member: User,
    preferences: dict[str, tuple[str, bool]],
    digest_frequency: str | None = None,
    digest_weekday: int | None = None,
) -> None:
    """Store (email mode, on site) per kind, and the digest's frequency and weekday when
    given. Unknown kinds, modes, frequencies or weekdays are refused (ValueError)."""
    if digest_frequency is not None:
        if digest_frequency not in DigestFrequency.values:
            raise ValueError(f"unknown digest frequency {digest_frequency!r}")
        member.digest_frequency = digest_frequency
    if digest_weekday is not None:
        if not 0 <= digest_weekday <= 6:
            raise ValueError(f"not a weekday: {digest_weekday!r}")
        member.digest_weekday = digest_weekday
    if digest_frequency is not None or digest_weekday is not None:
        member.save(update_fields=["digest_frequency", "digest_weekday"])
    unknown = set(preferences) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    for kind, (email, on_site) in preferences.items():
        if email not in EmailMode.values:
            raise ValueError(f"unknown email mode {email!r} for {kind}")
        NotificationSetting.objects.update_or_create(
            member=member, kind=kind, defaults={"email": email, "on_site": on_site}
        )


#: Why members leave (a short list; "other" needs no words).
UNSUBSCRIBE_REASONS = {
    "too_many": "Too many emails",
    "not_relevant": "Not relevant to me",
    "read_on_site": "I read everything on the site",
    "never_asked": "I never asked for these",
    "other": "Something else",
}


@transaction.atomic
def unsubscribe(
    *, member_id: int, kind: str, choice: str, scope: str = "", reason: str = ""
) -> str:
    """Carry out an unsubscribe page's choice for one member and one kind, with no sign-in
    (the signed token named both). `choice` is "off" (no more email of this kind; for the
    digest, no more digests), "digest" (this kind in the digest instead) or "mute:<key>"
    (mute what the email was about, offered by the scope's muter). Returns the choice
    carried out; raises ValueError for one that does not apply. Records the reason given.
    """
    from members.hooks import scope_muter

    member = User.objects.get(pk=member_id)
    if choice == "off" and kind == "digest":
        member.digest_frequency = DigestFrequency.NEVER
        member.save(update_fields=["digest_frequency"])
    elif choice in ("off", "digest") and kind in KINDS:
        email = EmailMode.NEVER if choice == "off" else EmailMode.DIGEST
        on_site = (
            NotificationSetting.objects.filter(member=member, kind=kind)
            .values_list("on_site", flat=True)
            .first()
        )
        NotificationSetting.objects.update_or_create(
            member=member,
            kind=kind,
            defaults={
                "email": email,
                "on_site": KINDS[kind].on_site_default if on_site is None else on_site,
            },
        )
    elif choice.startswith("mute:") and (muter := scope_muter(scope)) is not None:
        if not muter.mute(member, scope, choice.removeprefix("mute:")):
            raise ValueError(f"cannot mute {scope!r} with {choice!r}")
    else:
        raise ValueError(f"unknown choice {choice!r} for {kind!r}")
    UnsubscribeFeedback.objects.create(
        member=member,
        kind=kind,
        choice=choice[:40],
        reason=reason if reason in UNSUBSCRIBE_REASONS else "",
    )
    return choice
