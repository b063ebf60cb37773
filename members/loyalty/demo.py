"""Demo loyalty: tiers with thresholds and perks, a points history recorded through the
services (moderator rewards spread over the past year), badges granted by moderators and a
VIP with a manual grant. Runs after the demo members and before the forum, whose posts,
likes and accepted answers then earn points and badges through the ledger. Idempotent:
every entry has a fixed key, and a grant or badge held already is not made again."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction

from members.loyalty import badges, ledger, periods, tiers
from members.loyalty.models import Badge, TierGrant, Verb
from members.models import Tier, User

#: slug -> (points over 12 months, perks one a line)
TIER_RULES = {
    "spark": (30, "A Spark mark beside your name\nThe members' spark channel in events chat"),
    "flame": (
        120,
        "A Flame mark beside your name\nThe VIP lounge (a tier-only category)\n"
        "Early registration for events that open early",
    ),
    "blaze": (
        400,
        "A Blaze mark beside your name\nThe VIP lounge (a tier-only category)\n"
        "Early registration for events that open early\nA seat at the yearly roadmap call",
    ),
}
REWARD_REASONS = [
    "A clear, patient answer on retries",
    "Wrote up the meetup notes for everyone",
    "Reviewed three first talks this month",
    "Turned a long thread into a checklist",
    "Welcomed every newcomer this week",
]
#: How many members get rewards, and the demo member's own history.
REWARDED = 14
VIP_REASON = "Honorary VIP: ran the 2026 meetup series"


def configure_tiers() -> None:
    """Give the demo tiers their thresholds and perks (only where staff set none)."""
    for slug, (threshold, perks) in TIER_RULES.items():
        Tier.objects.filter(slug=slug, points_threshold__isnull=True, perks="").update(
            points_threshold=threshold, perks=perks
        )


def demo_count() -> int:
    return REWARDED + 3


@transaction.atomic
def seed_loyalty(progress: Callable[[int], object] = lambda _: None) -> int:
    """Record the demo's rewards, grants and badges that are missing. Returns how many
    ledger entries it recorded."""
    configure_tiers()
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    members = list(
        User.objects.filter(is_active=True, is_staff=False)
        .exclude(handle="demo_member")  # the demo member's own history is below
        .order_by("pk")
    )
    if staff is None or not members:
        return 0
    rng = random.Random(9)  # noqa: S311  # demo data, not security
    now = periods.now()
    recorded = 0
    for index, member in enumerate(members[:REWARDED]):
        for n in range(rng.randint(1, 6)):
            key = f"demo:reward:{member.handle}:{n}"
            activity = ledger.record(
                member_id=member.pk,
                verb=Verb.MODERATOR_AWARD,
                key=key,
                actor_id=staff.pk,
                points=rng.choice([10, 20, 25, 40, 60]) + (80 if index < 2 else 0),
                reason=rng.choice(REWARD_REASONS),
                occurred_at=now - timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 23)),
            )
            recorded += bool(activity and activity.key == key and activity.actor_id == staff.pk)
        progress(1)
    demo_member = User.objects.filter(handle="demo_member").first()
    if demo_member is not None:
        for n, days_ago in enumerate((120, 60, 35, 12, 4)):
            ledger.record(
                member_id=demo_member.pk,
                verb=Verb.MODERATOR_AWARD,
                key=f"demo:reward:demo_member:{n}",
                actor_id=staff.pk,
                points=15,
                reason=REWARD_REASONS[n],
                occurred_at=now - timedelta(days=days_ago),
            )
    progress(1)
    vip = members[-1]
    blaze = Tier.objects.filter(slug="blaze").first()
    if blaze is not None and not TierGrant.objects.filter(member=vip).exists():
        tiers.grant_tier(
            staff=staff,
            member_id=vip.pk,
            tier_id=blaze.pk,
            reason=VIP_REASON,
            ends_at=now + timedelta(days=365),
        )
    progress(1)
    hero = Badge.objects.filter(slug="community-hero").first()
    thanks = Badge.objects.filter(slug="thank-you").first()
    if hero is not None:
        badges.grant_badge(
            moderator=staff,
            badge_id=hero.pk,
            member_ids=[members[0].pk, vip.pk],
            reason="Answered every Celery question for a month",
        )
    if thanks is not None:
        badges.grant_badge(
            moderator=staff,
            badge_id=thanks.pk,
            member_ids=[m.pk for m in members[2:7]],
            reason="Helped run the spring meetup",
        )
    progress(1)
    return recorded
