"""Errors members' own rules raise (suspension)."""

from __future__ import annotations

from core.exceptions import ForbiddenError


class SuspendedError(ForbiddenError):
    """A suspended member tried to write; the message says why and until when."""

    code = "suspended"
