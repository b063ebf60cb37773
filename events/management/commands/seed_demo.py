"""Fill the database with a believable demo community. Safe to run again.

It lives in events, the top layer, because it seeds every layer below in order.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from community import demo as community_demo
from events import demo as events_demo
from members import demo as members_demo
from members.loyalty import demo as loyalty_demo
from members.referrals import demo as referrals_demo


class Command(BaseCommand):
    help = "Create demo members, forum threads and events. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        people = members_demo.demo_members()
        with tqdm(total=len(people), desc="Members", unit="member", disable=None) as bar:
            created = members_demo.seed_members(progress=bar.update)
        with tqdm(
            total=loyalty_demo.demo_count(), desc="Loyalty", unit="member", disable=None
        ) as bar:
            rewards = loyalty_demo.seed_loyalty(progress=bar.update)
        with tqdm(
            total=community_demo.demo_count(), desc="Forum", unit="thread", disable=None
        ) as bar:
            threads = community_demo.seed_forum(progress=bar.update)
        with tqdm(total=events_demo.demo_count(), desc="Events", unit="event", disable=None) as bar:
            events = events_demo.seed_events(progress=bar.update)
        moderation = community_demo.seed_moderation()
        # Last: its points would otherwise lift members into tiers the forum demo reads.
        referrals_demo.seed_referrals()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo community ready: {created} new members, {threads} new threads, "
                f"{events} new events and proposals, {rewards} new rewards."
            )
        )
        if moderation:
            self.stdout.write(
                "Moderation: {moderators} category moderators, {flags} flags in the queue, "
                "{held} held post, {suspended} suspended member.".format(**moderation)
            )
        self.stdout.write(
            f"Demo logins (password {members_demo.DEMO_PASSWORD}): "
            f"{members_demo.DEMO_STAFF_EMAIL} (staff), {members_demo.DEMO_MEMBER_EMAIL} (member)"
        )
