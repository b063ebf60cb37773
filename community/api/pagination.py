"""Links between API pages. Every forum list pages by a key (a cursor, a post number range
or a capped page number), never by an OFFSET that grows with depth."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param


def page_link(request: Request, name: str, value: str | int | None) -> str | None:
    """This request's absolute URL with `name` set to `value`; None when there is no page."""
    if value is None:
        return None
    return replace_query_param(request.build_absolute_uri(), name, value)
