"""Leaderboard pages: this week, this month, all time, top helpers, and per topic."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import or_404, page_param
from core.page_cache import member_cacheable
from members.leaderboards import selectors


@member_cacheable
@login_required
@require_GET
def leaderboard(request: HttpRequest, board: str = "week") -> HttpResponse:
    """One board, a page of it, and the viewer's own place."""
    if board not in selectors.BOARDS:
        raise Http404("No such leaderboard.")
    screen = selectors.get_leaderboard_screen(
        viewer=request.user, board=board, page=page_param(request.GET)
    )
    return render(request, "members/leaderboard.html", {"screen": screen})


@member_cacheable
@login_required
@require_GET
def topic_leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The all-time board of one topic."""
    screen = or_404(
        lambda: selectors.get_leaderboard_screen(
            viewer=request.user, topic_slug=slug, page=page_param(request.GET)
        )
    )
    return render(request, "members/leaderboard.html", {"screen": screen})
