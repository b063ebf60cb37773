"""Moderation pages: moderators (staff), the audit log (staff), the review queue
(moderators). Thin: parse, call one selector or service, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from community.models import Category
from community.moderation_forms import AppointModeratorForm
from community.selectors import moderation as moderation_selectors
from community.services import roles
from core.exceptions import DomainError
from members.models import User

T = TypeVar("T")


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


def _or_404(load: Callable[[], T]) -> T:
    """Moderation screens do not exist for those who may not use them: a 404."""
    try:
        return load()
    except moderation_selectors.NotAllowedScreenError as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def moderators(request: HttpRequest) -> HttpResponse:
    """Staff appoint moderators (forum-wide or for a category) and see who moderates what."""
    member = _member(request)
    screen = _or_404(lambda: moderation_selectors.get_moderators_screen(viewer=member))
    form = AppointModeratorForm(request.POST or None, categories=screen.categories)
    if request.method == "POST" and form.is_valid():
        try:
            appointed = roles.appoint_moderator(
                actor=member,
                member_id=form.cleaned_data["member"].pk,
                category_id=form.cleaned_data["category_id"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            who = form.cleaned_data["member"]
            messages.success(
                request,
                f"@{who.handle} is now a moderator."
                if appointed
                else f"@{who.handle} already moderates there.",
            )
            return redirect("moderation:moderators")
    return render(
        request,
        "community/moderation/moderators.html",
        {"screen": screen, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def moderator_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request)
    _or_404(lambda: moderation_selectors.get_moderators_screen(viewer=member))
    category = request.POST.get("category", "")
    category_id = int(category) if category.isascii() and category.isdigit() else None
    try:
        removed = roles.remove_moderator(actor=member, member_id=member_id, category_id=category_id)
    except (DomainError, User.DoesNotExist, Category.DoesNotExist) as error:
        raise Http404 from error
    messages.success(
        request, "Moderator removed." if removed else "They were not moderating there."
    )
    return redirect("moderation:moderators")
