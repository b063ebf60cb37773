"""Bounce and complaint reports from the mail provider: their format and how they are read.

A report is a JSON object {"type": "bounce" | "complaint", "email": ..., "bounce_type":
"hard" | "soft", "reason": ...}, or {"events": [...]} with up to MAX_EVENTS of them.
The webhook signs nothing back; the provider signs its body with HMAC-SHA256 under
EMAIL_WEBHOOK_SECRET, sent as "X-Hearth-Signature: sha256=<hex>".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_EVENTS = 1000


@dataclass(frozen=True)
class EmailEvent:
    """One report: a bounce (hard or soft) or a complaint about one address."""

    type: str
    address: str
    is_hard: bool = False
    reason: str = ""


def signature_is_valid(body: bytes, header: str, secret: str) -> bool:
    """Whether `header` is "sha256=<hex HMAC of body under secret>" (constant time)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(secret) and hmac.compare_digest(expected, header)


def parse_events(payload: Any) -> list[EmailEvent]:
    """The events of a decoded report. Raises ValueError naming what is wrong."""
    raw = payload.get("events", [payload]) if isinstance(payload, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ValueError('Send an event object, or {"events": [...]}.')
    if len(raw) > MAX_EVENTS:
        raise ValueError(f"At most {MAX_EVENTS} events per report.")
    events = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValueError(f"Event {index} is not an object.")
        kind, address = item.get("type"), item.get("email")
        if kind not in ("bounce", "complaint"):
            raise ValueError(f'Event {index}: "type" must be "bounce" or "complaint".')
        if not isinstance(address, str):
            raise ValueError(f'Event {index}: "email" is missing.')
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f'Event {index}: "{address[:100]}" is not an email address.') from None
        bounce_type = item.get("bounce_type", "hard")
        if kind == "bounce" and bounce_type not in ("hard", "soft"):
            raise ValueError(f'Event {index}: "bounce_type" must be "hard" or "soft".')
        reason = item.get("reason", "")
        events.append(
            EmailEvent(
                type=kind,
                address=address,
                is_hard=bounce_type == "hard",
                reason=reason if isinstance(reason, str) else "",
            )
        )
    return events
