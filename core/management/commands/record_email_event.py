"""Record a bounce or a complaint reported by the mail provider, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.email_events import parse_events
from core.services import record_email_events


class Command(BaseCommand):
    help = (
        "Record a bounce (hard counts 2, soft 1; at 4 Hearth stops emailing the address) or "
        "a complaint (no more non-transactional email) for an address."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=["bounce", "complaint"])
        parser.add_argument("email")
        parser.add_argument("--soft", action="store_true", help="A soft bounce (default: hard).")
        parser.add_argument("--reason", default="", help="What the provider said.")

    def handle(self, *args: Any, **options: Any) -> None:
        event = {
            "type": options["type"],
            "email": options["email"],
            "bounce_type": "soft" if options["soft"] else "hard",
            "reason": options["reason"],
        }
        try:
            events = parse_events(event)
        except ValueError as error:
            raise CommandError(str(error)) from error
        record_email_events(events)
        self.stdout.write(
            self.style.SUCCESS(f"Recorded a {options['type']} for {options['email']}.")
        )
