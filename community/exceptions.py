from __future__ import annotations

from config.exceptions import ConflictError, DomainError


class PostingNotAllowedError(DomainError):
    """Well-formed, but this account may not post yet (unverified email)."""

    status_code = 403
    code = "posting_not_allowed"


class InvalidPostError(DomainError):
    """The text of a post or title is empty, too long or a repeat."""

    code = "invalid_post"


class ThreadLockedError(ConflictError):
    code = "thread_locked"


class NotAllowedError(DomainError):
    """The viewer may see the object but not do this to it."""

    status_code = 403
    code = "forbidden"


class ReactionNotAllowedError(DomainError):
    code = "reaction_not_allowed"


class AnswerNotAcceptableError(DomainError):
    code = "answer_not_acceptable"
