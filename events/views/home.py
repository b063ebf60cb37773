"""The home page ("/"): the member's community, or the visitor's window on it. core routes
"/" and config/wiring.py registers this view (see core.pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors.home import get_home_screen


def home(request: HttpRequest) -> HttpResponse:
    screen = get_home_screen(viewer=request.user, list_filter=request.GET.get("filter", ""))
    return render(request, "core/home.html", {"screen": screen})
