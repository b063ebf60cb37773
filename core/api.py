"""What every app's API shares: links between pages.

Every list pages by a key (a cursor, a post number range or a capped page number), never by
an OFFSET that grows with depth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

T = TypeVar("T")


def page_link(request: Request, name: str, value: str | int | None) -> str | None:
    """This request's absolute URL with `name` set to `value`; None when there is no page."""
    if value is None:
        return None
    return replace_query_param(request.build_absolute_uri(), name, value)


def or_400(field: str, message: str, load: Callable[[], T]) -> T:
    """The result of `load()`, or a 400 naming `field` when it raises DoesNotExist: for a
    filter that names something missing or invisible (the two look the same)."""
    try:
        return load()
    except ObjectDoesNotExist as exc:
        raise ValidationError({field: [message]}) from exc
