"""What loyalty tells members: a badge earned, a tier reached, a tier at risk.

Registered through config/wiring.py like every capability's kinds; the targets ("badge",
"tier") resolve to the badge's page and the member's tier page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from members.hooks import NotificationTarget
from members.loyalty.models import Badge
from members.models import EmailMode, Tier, User
from members.notifications.kinds import NotificationKind

LOYALTY_KINDS = [
    NotificationKind(
        "badge_awarded",
        "Badges",
        "You earn a badge, or a moderator grants you one.",
        EmailMode.IMMEDIATELY,
        text="You earned the “{title}” badge",
        group_text="You earned the “{title}” badge",
        icon="award",
    ),
    NotificationKind(
        "tier_changed",
        "Your tier",
        "You reach a new tier, or staff grant you one.",
        EmailMode.IMMEDIATELY,
        text="You are now {title}",
        group_text="You are now {title}",
        icon="star",
    ),
    NotificationKind(
        "tier_at_risk",
        "Tier reminders",
        "Two weeks before you would move down a tier, so you can keep it.",
        EmailMode.IMMEDIATELY,
        text="Your {title} tier needs a few more points",
        group_text="Your {title} tier needs a few more points",
        icon="star",
    ),
]


def resolve_badges(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Badges as notification targets: their page (1 query)."""
    return {
        badge.pk: NotificationTarget(
            title=badge.name, url=reverse("members:badge", args=[badge.slug])
        )
        for badge in Badge.objects.filter(pk__in=ids).only("id", "name", "slug")
    }


def resolve_tiers(member: User, ids: Sequence[int]) -> dict[int, NotificationTarget]:
    """Tiers as notification targets: the member's tier and progress page (1 query)."""
    url = reverse("members:tiers")
    return {
        tier.pk: NotificationTarget(title=tier.name, url=url)
        for tier in Tier.objects.filter(pk__in=ids).only("id", "name")
    }
