"""Keyset cursors for thread lists: a page costs the rows it shows, at any depth."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Cursor:
    """The (last_activity_at, id) of the last thread on the previous page."""

    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str | None) -> Cursor | None:
    """The cursor in `value`, or None for a missing or tampered one (the first page)."""
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, pk = raw.partition("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            return None
        # In UTC now: a date at the edge of the range with an offset overflows here, not
        # later inside the database driver.
        return Cursor(at=parsed.astimezone(UTC), id=int(pk))
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        return None
