"""How the API shows errors: core's DomainError as 400/403/409 with a message and a stable
code, ObjectDoesNotExist as 404, Django's ValidationError as 400 with field messages.

Every body is one of the two shapes core.openapi documents: field messages (a list of
strings under each field's name, `non_field_errors` for the input as a whole) with `detail`
and `code` beside them where they apply, or `detail` alone."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.exceptions import DomainError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught Hearth's domain errors and Django's lookups and validation."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body = {exc.field: [exc.message], "code": exc.code}
        response = Response(body, status=exc.status_code)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:  # core.ratelimit's 429
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        # A message about no one field goes where DRF puts those: `detail` is a string.
        exc = exceptions.ValidationError(
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    return exception_handler(exc, context)
