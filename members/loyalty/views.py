"""Loyalty pages: my points, the badges, one badge (and a moderator's grant), the tiers.

Each view parses, calls its screen's one selector (or one service), and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import DomainError
from core.http import or_404, page_param
from core.page_cache import member_cacheable, visitor_cacheable
from members.loyalty import badges, selectors
from members.loyalty.forms import BadgeGrantForm
from members.models import User


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


@member_cacheable
@require_GET
@login_required
def points(request: HttpRequest) -> HttpResponse:
    """The member's points: balance, the last 12 months, and every entry, newest first."""
    screen = selectors.get_points_screen(member=_member(request), page=page_param(request.GET))
    return render(request, "members/loyalty_points.html", {"screen": screen})


@member_cacheable
@visitor_cacheable
@require_GET
def badge_list(request: HttpRequest) -> HttpResponse:
    """Every badge, how to earn it and how many hold it."""
    screen = selectors.get_badges_screen(viewer=request.user)
    return render(request, "members/badges.html", {"screen": screen})


def _badge_page(
    request: HttpRequest, slug: str, form: BadgeGrantForm | None = None, status: int = 200
) -> HttpResponse:
    screen = or_404(
        lambda: selectors.get_badge_screen(
            viewer=request.user, slug=slug, page=page_param(request.GET)
        )
    )
    if form is None and screen.can_grant:
        form = BadgeGrantForm()
    return render(
        request, "members/badge_detail.html", {"screen": screen, "form": form}, status=status
    )


@member_cacheable  # GETs only: a grant (POST) always reaches the view
@visitor_cacheable
@require_http_methods(["GET", "POST"])
def badge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One badge and who holds it; for moderators, a manual badge's grant form (POST)."""
    if request.method != "POST":
        return _badge_page(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = BadgeGrantForm(request.POST)
    if not form.is_valid():
        return _badge_page(request, slug, form, status=400)
    badge = or_404(lambda: selectors.get_badge_screen(viewer=request.user, slug=slug, page=1))
    try:
        result = badges.grant_badge(
            moderator=_member(request),
            badge_id=badge.badge.pk,
            member_ids=[member.pk for member in form.cleaned_data["members"]],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in ("members", "reason") else None, error.message)
        return _badge_page(request, slug, form, status=error.status_code)
    granted, already = len(result.granted), len(result.already_held)
    text = f"Granted “{badge.badge.name}” to {granted} member{'s' if granted != 1 else ''}."
    if already:
        text += f" {already} already held it."
    messages.success(request, text)
    return redirect("members:badge", slug=slug)


@member_cacheable
@visitor_cacheable
@require_GET
def tier_list(request: HttpRequest) -> HttpResponse:
    """The tiers, how each is reached and what it brings; a member's own progress."""
    screen = selectors.get_tiers_screen(viewer=request.user)
    return render(request, "members/tiers.html", {"screen": screen})
