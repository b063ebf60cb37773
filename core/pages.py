"""The home page's view comes from the top layer.

core routes "/" (so `core:home` is the one name every template and redirect uses), but the
signed-in home is the community (threads, watched threads, events), which only the layers
above core know. The top layer registers the view here, from config/wiring.py.
"""

from __future__ import annotations

from typing import Protocol

from django.http import HttpRequest, HttpResponse


class HomeView(Protocol):
    """Renders "/" for the request's viewer (member or visitor)."""

    def __call__(self, request: HttpRequest, /) -> HttpResponse: ...


_home_view: list[HomeView] = []


def register_home_view(view: HomeView) -> None:
    """Make `view` the home page (the last registration wins: tests may swap it)."""
    _home_view[:] = [view]


def home_view() -> HomeView:
    """The registered home view. Raises LookupError when none is wired (a start-up bug)."""
    if not _home_view:
        raise LookupError("No home view is registered (see config/wiring.py).")
    return _home_view[0]
