"""What events' services refuse, with a message for people and a stable code for the API."""

from __future__ import annotations

from core.exceptions import ConflictError, DomainError, ForbiddenError


class InvalidEventError(DomainError):
    """An event's details do not hold together (times, seats, access, early access)."""

    code = "invalid_event"


class RegistrationClosedError(ConflictError):
    """Registration is not open to this member now (not yet, closed, not published)."""

    code = "registration_closed"


class RegistrationStateError(ConflictError):
    """The registration is not in a state that allows this (no offer to claim, started)."""

    code = "registration_state"


class OfferExpiredError(ConflictError):
    """The seat offered from the waitlist was not claimed in time; it went to the next."""

    code = "offer_expired"


class NotAllowedError(ForbiddenError):
    """The viewer may see the event but not do this."""


class InvalidQuestionError(DomainError):
    """An AMA question or a host's action on one does not hold."""

    code = "invalid_question"


class CheckInError(DomainError):
    """A wrong attendance code, or check-in outside the event."""

    code = "check_in"


class InvalidRatingError(DomainError):
    code = "invalid_rating"


class InvalidProposalError(DomainError):
    code = "invalid_proposal"
