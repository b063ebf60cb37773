"""Small HTTP helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

T = TypeVar("T")


def or_404(load: Callable[[], T]) -> T:
    """The result of `load()`, or a 404 when it raises DoesNotExist: invisible and missing
    things look the same to the viewer."""
    try:
        return load()
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def page_param(params: Mapping[str, str], name: str = "page") -> int:
    """A page number from the query string: 1 for a missing, malformed or negative one."""
    value = params.get(name, "") or ""
    return max(int(value), 1) if value.isascii() and value.isdigit() and len(value) < 7 else 1
