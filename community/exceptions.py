from __future__ import annotations

from core.exceptions import ConflictError, DomainError, ForbiddenError


class PostingNotAllowedError(ForbiddenError):
    """Well-formed, but this account may not post yet (unverified email)."""

    code = "posting_not_allowed"


class InvalidPostError(DomainError):
    """The text of a post or title is empty, too long or a repeat."""

    code = "invalid_post"


class ThreadLockedError(ConflictError):
    code = "thread_locked"


class NotAllowedError(ForbiddenError):
    """The viewer may see the object but not do this to it."""


class ReactionNotAllowedError(DomainError):
    code = "reaction_not_allowed"


class AnswerNotAcceptableError(DomainError):
    code = "answer_not_acceptable"


class InvalidLevelError(DomainError):
    """Not one of the notification levels."""

    code = "invalid_level"


class NewMemberLimitError(DomainError):
    """A new member's post is over a limit (links, images, mentions, posts a day)."""

    code = "new_member_limit"


class FlagNotAllowedError(DomainError):
    """This item cannot be flagged by this member (their own, deleted, or a bad reason)."""

    code = "flag_not_allowed"


class AlreadyFlaggedError(ConflictError):
    code = "already_flagged"


class ModerationError(DomainError):
    """A moderation action that does not apply (approve a published post, merge a thread
    into itself...)."""

    code = "moderation_invalid"


class UploadLimitError(DomainError):
    """The member uploaded as many images as an hour allows."""

    code = "upload_limit"
