"""Rebuild every loyalty summary (balances, verb totals, tiers, badges) from the ledgers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from members.loyalty import replay


class Command(BaseCommand):
    help = (
        "Rebuild points balances, tiers and badges from the activity ledger and tier "
        "history. Safe to run at any time; on a consistent database it changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(
            total=replay.replay_member_count(), desc="Members", unit="member", disable=None
        ) as bar:
            report = replay.replay(progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {report.members} members' points and {report.verb_totals} totals; "
                f"{report.tier_changes} tiers corrected, {report.badges_awarded} badges awarded."
            )
        )
