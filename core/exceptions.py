"""Domain errors: a business rule refused the request.

Services raise subclasses of DomainError; views do not catch them for the API (the DRF
handler in config.exceptions turns them into 400/403/409 with a message) and show their
message next to the form field they name on pages. They live in core, the bottom layer, so
every app can raise them without importing the wiring above it.
"""

from __future__ import annotations

from http import HTTPStatus


class DomainError(Exception):
    """A business rule refused the request. `code` is stable for API clients."""

    status_code: int = HTTPStatus.BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """The request conflicts with the current state (already done, taken, full)."""

    status_code = HTTPStatus.CONFLICT
    code = "conflict"


class ForbiddenError(DomainError):
    """The viewer may see the object but not do this to it."""

    status_code = HTTPStatus.FORBIDDEN
    code = "forbidden"
