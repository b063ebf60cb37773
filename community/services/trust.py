"""New-member limits (in the spirit of Discourse's trust level 0) and spam signals.

A member is "new" until their account is NEW_MEMBER_MIN_AGE_HOURS old and they have read
NEW_MEMBER_MIN_POSTS_READ posts (their read markers, summed over threads: what Hearth
measures of reading; it does not time how long a page stays open). The limits then lift by
themselves and stay lifted (`limits_lifted_at`). Staff and moderators are never new.

Spam signals (many links, the same text in several threads, a link to a domain staff block)
do not refuse a post: they hold it for review, and the author is told it is pending.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from community.exceptions import NewMemberLimitError
from community.models import BlockedDomain, Post, ReadState
from members.models import User
from members.policies import is_moderator

URL = re.compile(r"https?://[^\s<>()\[\]\"']+", re.IGNORECASE)
#: Shorter posts ("Thanks!", "+1") may repeat without looking like spam.
REPEAT_MIN_LENGTH = 20
IMAGE = re.compile(r"!\[[^\]]*\]\(|<img\b", re.IGNORECASE)


def count_links(source: str) -> int:
    """Web addresses in a post's Markdown source (images' addresses included)."""
    return len(URL.findall(source))


def count_images(source: str) -> int:
    """Images in a post's Markdown source (Markdown images and HTML img tags)."""
    return len(IMAGE.findall(source))


def link_domains(source: str) -> set[str]:
    """Each linked host, and every parent domain of it (a.b.spam.example -> spam.example)."""
    domains: set[str] = set()
    for url in URL.findall(source):
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        parts = host.split(".")
        domains.update(".".join(parts[i:]) for i in range(len(parts) - 1))
    return domains


def is_new_member(member: User) -> bool:
    """Whether the new-member limits still apply. No query for most members (lifted, staff,
    moderators, or too young to have earned it); lifting writes once."""
    if member.limits_lifted_at is not None or is_moderator(member):
        return False
    if member.date_joined > timezone.now() - timedelta(hours=settings.NEW_MEMBER_MIN_AGE_HOURS):
        return True
    read = ReadState.objects.filter(member=member).aggregate(total=Sum("last_read_number"))
    if (read["total"] or 0) < settings.NEW_MEMBER_MIN_POSTS_READ:
        return True
    member.limits_lifted_at = timezone.now()
    User.objects.filter(pk=member.pk).update(limits_lifted_at=member.limits_lifted_at)
    return False


def check_new_member_limits(*, member: User, source: str, mention_count: int) -> bool:
    """Refuse a new member's post over a limit (with what to change); True when the author
    is a new member. Raises NewMemberLimitError (the text is kept by the caller)."""
    if not is_new_member(member):
        return False
    limits = (
        (count_links(source), settings.NEW_MEMBER_MAX_LINKS, "links"),
        (count_images(source), settings.NEW_MEMBER_MAX_IMAGES, "images"),
        (mention_count, settings.NEW_MEMBER_MAX_MENTIONS, "mentions"),
    )
    for found, allowed, what in limits:
        if found > allowed:
            raise NewMemberLimitError(
                f"New members can include up to {allowed} {what} in a post; this one has "
                f"{found}. The limit lifts once you've been around a day and read a few "
                "threads.",
                field="body",
            )
    since = timezone.now() - timedelta(days=1)
    today = Post.objects.filter(author=member, created_at__gte=since).count()
    if today >= settings.NEW_MEMBER_POSTS_PER_DAY:
        raise NewMemberLimitError(
            f"New members can post {settings.NEW_MEMBER_POSTS_PER_DAY} times a day; you've "
            "reached that. Your post is still here: try again tomorrow, or once the limit "
            "lifts.",
            field="body",
        )
    return True


def hold_reason(*, member: User, source: str, thread_id: int | None, is_new: bool) -> str:
    """Why this post should wait for a moderator, or "" when it may go up now."""
    if is_moderator(member):
        return ""
    if count_links(source) >= settings.SPAM_HOLD_LINKS:
        return f"{count_links(source)} links"
    domains = link_domains(source)
    if domains:
        blocked = BlockedDomain.objects.filter(domain__in=sorted(domains)).first()
        if blocked is not None:
            return f"links to {blocked.domain}, a blocked domain"
    # The same text in several threads is how a new account spams; established members
    # (a day here, many posts read) repeat announcements and templates legitimately.
    if is_new and len(source) >= REPEAT_MIN_LENGTH:  # "Thanks!" twice is not spam
        repeats = Post.objects.filter(
            author=member, source=source, created_at__gte=timezone.now() - timedelta(days=1)
        )
        if thread_id is not None:
            repeats = repeats.exclude(thread_id=thread_id)
        if repeats.values("thread_id").distinct().count() >= settings.SPAM_HOLD_REPEATS:
            return "the same text was posted in other threads today"
    if is_new and settings.NEW_MEMBER_POSTS_HELD:
        return "a new member's post"
    return ""
