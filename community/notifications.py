"""The forum's notifications: its kinds, who hears of a post, and what a target looks like.

The kinds and target resolvers are registered with members' notification registry in
config/wiring.py. Who hears of a new post is decided here, by watch level (see
Subscription) and access (community.policies), and written through members'
notify() in bounded chunks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse

from community import policies
from community.models import Flag, Mention, ModerationAction, Post, Subscription, Thread
from members.hooks import MuteOption, NotificationTarget
from members.models import EmailMode, User
from members.notifications import NotificationKind

FORUM_KINDS = [
    NotificationKind(
        "reply",
        "Replies in threads you watch",
        "A new reply in a thread or category you watch.",
        EmailMode.IMMEDIATELY,
        text="{actor} replied in “{title}”",
        group_text="{count} new replies in “{title}”",
        icon="message",
    ),
    NotificationKind(
        "new_thread",
        "New threads in categories you watch",
        "Someone starts a thread in a category you watch.",
        EmailMode.IMMEDIATELY,
        text="{actor} started “{title}”",
        group_text="{count} new posts in “{title}”",
        icon="message",
    ),
    NotificationKind(
        "mention",
        "Mentions",
        "Someone @mentions you in a thread or reply.",
        EmailMode.IMMEDIATELY,
        text="{actor} mentioned you in “{title}”",
        group_text="{count} mentions of you in “{title}”",
        icon="at",
    ),
    NotificationKind(
        "quote",
        "Quotes",
        "Someone quotes one of your posts in a reply.",
        EmailMode.IMMEDIATELY,
        text="{actor} quoted you in “{title}”",
        group_text="{count} quotes of your posts in “{title}”",
        icon="quote",
    ),
    NotificationKind(
        "answer",
        "Answers to your questions",
        "Someone answers a question you asked.",
        EmailMode.IMMEDIATELY,
        text="{actor} answered “{title}”",
        group_text="{count} new answers to “{title}”",
        icon="reply",
    ),
    NotificationKind(
        "answer_accepted",
        "Accepted answers",
        "Your reply is accepted as the answer.",
        EmailMode.IMMEDIATELY,
        text="{actor} accepted your answer to “{title}”",
        group_text="{count} of your answers accepted in “{title}”",
        icon="check",
    ),
    NotificationKind(
        "reaction",
        "Reactions",
        "Someone likes, thanks or reacts to one of your posts.",
        EmailMode.NEVER,
        text="{actor} reacted to your post in “{title}”",
        group_text="{actor} and {others} reacted to your post in “{title}”",
        icon="like",
    ),
]

#: Watchers told per chunk of fan-out work (a task each).
FANOUT_CHUNK = 500
EXCERPT_LENGTH = 200
_QUOTE_HEADER = re.compile(r"^>\s*\*\*@([A-Za-z0-9_]{2,30})\*\* wrote:", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{2,30})")


def excerpt_of(source: str) -> str:
    """Plain text to preview a post: no code blocks, no quoted lines, one line, cut short."""
    text = _FENCE.sub(" ", source)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    flat = " ".join(" ".join(lines).split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1].rstrip() + "…"


def quoted_handles(source: str) -> set[str]:
    """The lower-cased handles whose posts `source` quotes ("> **@ada** wrote:")."""
    return {handle.lower() for handle in _QUOTE_HEADER.findall(source)}


def handles_outside_quotes(source: str) -> set[str]:
    """The lower-cased @handles written outside quoted lines and code blocks: who the
    writer mentions themself (a mention inside a quote was someone else's)."""
    text = _FENCE.sub(" ", source)
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    return {handle.lower() for handle in _MENTION.findall(own)}


def thread_scope(thread_id: int) -> str:
    """The scope whose reading marks a thread's notifications read."""
    return f"thread:{thread_id}"


def muted_members(thread: Thread) -> QuerySet[Subscription, Any]:
    """Member ids who muted the thread, or its category without a level of their own for
    the thread (a thread's level wins over its category's)."""
    on_thread = Subscription.objects.filter(thread=thread)
    return Subscription.objects.filter(
        Q(thread=thread, level=Subscription.Level.MUTED)
        | (
            Q(category_id=thread.category_id, level=Subscription.Level.MUTED)
            & ~Q(member_id__in=on_thread.values("member_id"))
        )
    ).values("member_id")


def direct_recipients(post: Post) -> dict[str, list[int]]:
    """Who a post concerns directly, by kind, each member once (a mention beats a quote,
    a quote beats an answer): the members it mentions, the authors it quotes, and the
    asker of a question it answers. Only members who may see the thread and did not mute
    it; never its author."""
    thread = post.thread
    chosen: dict[int, str] = {}
    own_mentions = handles_outside_quotes(post.source)
    for member_id, handle in Mention.objects.filter(post=post).values_list(
        "member_id", "member__handle"
    ):
        if handle.lower() in own_mentions:
            chosen[member_id] = "mention"
    handles = quoted_handles(post.source)
    if handles:
        quoted = (
            User.objects.alias(handle_lower=Lower("handle"))
            .filter(handle_lower__in=handles)
            .values_list("pk", flat=True)
        )
        for member_id in quoted:
            chosen.setdefault(member_id, "quote")
    if thread.is_question and post.number > 1 and thread.author_id:
        chosen.setdefault(thread.author_id, "answer")
    chosen.pop(post.author_id or 0, None)
    if not chosen:
        return {}
    allowed = set(
        policies.members_who_can_view(thread.category)
        .filter(pk__in=chosen)
        .exclude(pk__in=muted_members(thread))
        .values_list("pk", flat=True)
    )
    by_kind: dict[str, list[int]] = {}
    for member_id, kind in sorted(chosen.items()):
        if member_id in allowed:
            by_kind.setdefault(kind, []).append(member_id)
    return by_kind


def watchers_after(post: Post, after: int) -> list[int]:
    """The next FANOUT_CHUNK watchers (by member id, past `after`) to tell of `post`:
    members watching its thread, and members watching its category who set no level of
    their own on the thread; only those who may see the thread, never its author."""
    thread = post.thread
    thread_levels = Subscription.objects.filter(thread=thread)
    category_watchers = (
        Subscription.objects.filter(
            category_id=thread.category_id, level=Subscription.Level.WATCHING
        )
        .exclude(member_id__in=thread_levels.values("member_id"))
        .values("member_id")
    )
    thread_watchers = thread_levels.filter(level=Subscription.Level.WATCHING).values("member_id")
    return list(
        policies.members_who_can_view(thread.category)
        .filter(Q(pk__in=thread_watchers) | Q(pk__in=category_watchers), pk__gt=after)
        .exclude(pk=post.author_id or 0)
        .order_by("pk")
        .values_list("pk", flat=True)[:FANOUT_CHUNK]
    )


def resolve_posts(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Live posts the member may see now, as notification targets (one query)."""
    posts = (
        policies.visible_posts(member)
        .filter(pk__in=ids, is_deleted=False)
        .select_related("thread")
        .only("id", "number", "thread__id", "thread__title")
    )
    return {
        post.pk: NotificationTarget(
            title=post.thread.title, url=post.get_absolute_url(), scope=thread_scope(post.thread_id)
        )
        for post in posts
    }


def resolve_posts_for_members(
    member_ids: Sequence[int], ids: Sequence[int]
) -> dict[tuple[int, int], NotificationTarget]:
    """Live posts as targets, for each member who may see them now: one query for the
    posts and one per category they are in, whatever the number of members."""
    posts = (
        Post.objects.filter(pk__in=ids, is_deleted=False, status=Post.Status.PUBLISHED)
        .select_related("thread", "thread__category", "thread__category__minimum_tier")
        .only(
            "id",
            "number",
            "thread__id",
            "thread__title",
            "thread__category__access",
            "thread__category__minimum_tier__rank",
        )
    )
    by_category: dict[int, list[Post]] = {}
    for post in posts:
        by_category.setdefault(post.thread.category_id, []).append(post)
    resolved: dict[tuple[int, int], NotificationTarget] = {}
    for category_posts in by_category.values():
        category = category_posts[0].thread.category
        allowed = policies.members_who_can_view(category).filter(pk__in=member_ids)
        readers = list(allowed.values_list("pk", flat=True))
        for post in category_posts:
            target = NotificationTarget(
                title=post.thread.title,
                url=post.get_absolute_url(),
                scope=thread_scope(post.thread_id),
            )
            for member_id in readers:
                resolved[(member_id, post.pk)] = target
    return resolved


def resolve_threads(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Threads the member may see now, as notification targets (one query)."""
    threads = policies.visible_threads(member).filter(pk__in=ids).only("id", "title")
    return {
        thread.pk: NotificationTarget(
            title=thread.title, url=thread.get_absolute_url(), scope=thread_scope(thread.pk)
        )
        for thread in threads
    }


class ThreadMuter:
    """The unsubscribe page's milder choices for an email about a thread: mute the thread,
    or its whole category."""

    def options(self, member: User, scope: str) -> list[MuteOption]:
        """Mute options for a thread scope the member may still see."""
        thread = self._thread(member, scope)
        if thread is None:
            return []
        return [
            MuteOption("thread", f"Mute the thread “{thread.title}”"),
            MuteOption("category", f"Mute the whole {thread.category.name} category"),
        ]

    def mute(self, member: User, scope: str, key: str) -> bool:
        """Mute the thread or its category; False for a hidden thread or unknown option."""
        thread = self._thread(member, scope)
        if thread is None or key not in ("thread", "category"):
            return False
        from community.services import engagement  # services import this module

        if key == "thread":
            engagement.set_thread_level(
                member=member, thread_id=thread.pk, level=Subscription.Level.MUTED
            )
        else:
            engagement.set_category_level(
                member=member, category_id=thread.category_id, level=Subscription.Level.MUTED
            )
        return True

    @staticmethod
    def _thread(member: User, scope: str) -> Thread | None:
        _, _, raw_id = scope.partition(":")
        if not raw_id.isdigit():
            return None
        visible = policies.visible_threads(member).select_related("category")
        return visible.filter(pk=int(raw_id)).first()


MODERATION_KINDS = [
    NotificationKind(
        "flag_outcome",
        "Your flags",
        "What moderators decided about something you flagged.",
        EmailMode.NEVER,
        text="{title}",
        group_text="{count} of your flags were reviewed",
        icon="flag",
    ),
    NotificationKind(
        "moderation_notice",
        "Messages from moderators",
        "A warning, a suspension and its end, or a post of yours held, hidden or approved.",
        EmailMode.IMMEDIATELY,
        text="{title}",
        group_text="{count} messages from moderators",
        is_critical=True,
        icon="shield",
    ),
]


def resolve_flags(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """The member's own flags, by outcome (one query)."""
    from community.selectors.moderation import flag_outcome_text  # selectors import this module

    flags = (
        Flag.objects.filter(pk__in=ids, reporter=member)
        .select_related("post__thread", "thread", "member")
        .only(
            "id",
            "status",
            "reason",
            "post__number",
            "post__thread__title",
            "thread__title",
            "member__handle",
        )
    )
    url = reverse("moderation:notices")
    return {flag.pk: NotificationTarget(title=flag_outcome_text(flag), url=url) for flag in flags}


def resolve_notices(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Moderation actions about the member themself (one query)."""
    actions = ModerationAction.objects.filter(pk__in=ids, member=member).only(
        "id", "action", "reason", "target"
    )
    url = reverse("moderation:notices")
    return {action.pk: NotificationTarget(title=notice_text(action), url=url) for action in actions}


def notice_text(action: ModerationAction) -> str:
    """How a moderation notice reads to the member it is about."""
    label = {
        ModerationAction.Action.WARN: "A moderator warned you",
        ModerationAction.Action.SUSPEND: "Your account is suspended",
        ModerationAction.Action.UNSUSPEND: "Your suspension is lifted",
        ModerationAction.Action.HIDE_POST: f"A moderator hid your {action.target}",
        ModerationAction.Action.DELETE_POST: f"A moderator deleted your {action.target}",
        ModerationAction.Action.APPROVE_POST: f"A moderator approved your {action.target}",
    }.get(ModerationAction.Action(action.action), action.get_action_display())
    return f"{label}: {action.reason}" if action.reason else label
