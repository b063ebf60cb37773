"""Reading free-text query parameters safely."""

from __future__ import annotations

import re
from collections.abc import Mapping

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_param(params: Mapping[str, str], name: str, *, max_length: int) -> str:
    """A GET parameter as plain text: control characters (NUL, which PostgreSQL refuses)
    removed, trimmed, cut to `max_length`. Missing means ""."""
    return _CONTROL.sub("", params.get(name, "") or "").strip()[:max_length]


def without_control_characters(text: str) -> str:
    """Text as a member wrote it, minus invisible control characters (tabs and newlines stay)."""
    return _CONTROL.sub("", text)
