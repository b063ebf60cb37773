"""Validation of member identity fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator

HANDLE_MIN_LENGTH = 2
HANDLE_MAX_LENGTH = 30

#: Letters, digits and underscores: what an @mention can end on unambiguously.
handle_characters = RegexValidator(
    regex=r"^[A-Za-z0-9_]+\Z",
    message="A handle may contain only letters, digits and underscores.",
    code="invalid_handle",
)

handle_validators: list[Callable[[Any], None]] = [
    handle_characters,
    MinLengthValidator(HANDLE_MIN_LENGTH, "A handle needs at least %(limit_value)d characters."),
    MaxLengthValidator(HANDLE_MAX_LENGTH, "A handle has at most %(limit_value)d characters."),
]
