"""The reward page: a moderator rewards a member (from a post or their profile). The
thread and profile pages carry the same form in a menu; this page is where it posts, and
where it comes back with its errors and everything typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.http import or_404
from members.models import User
from members.policies import may_reward
from members.rewards import notifications, selectors, services
from members.rewards.forms import RewardForm
from members.selectors import members_with_handle


def _next(request: HttpRequest, member: User) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("members:profile", args=[member.handle])


@login_required
@require_http_methods(["GET", "POST"])
def reward(request: HttpRequest, handle: str) -> HttpResponse:
    """GET: the reward form for this member (optionally for one post, `?post=`), or why the
    moderator may not reward them (outside their categories: 403). POST: give the reward,
    then back to where the moderator came from. Anyone who moderates nothing gets a 404."""
    moderator = request.user
    assert isinstance(moderator, User)  # noqa: S101  # login_required guarantees it
    if not may_reward(moderator):
        raise Http404
    member = or_404(lambda: members_with_handle(handle).get(is_active=True))
    badges = selectors.reward_badges(moderator)
    if request.method != "POST":
        form = RewardForm(initial={"post": request.GET.get("post") or None}, badges=badges)
        post_id = form["post"].value()
        try:
            services.ensure_may_reward(
                moderator=moderator,
                member_id=member.pk,
                post_id=int(post_id) if str(post_id or "").isdigit() else None,
            )
        except DomainError as error:  # say why, and offer no form it would refuse
            return _page(request, member, form, status=error.status_code, refused=error.message)
        return _page(request, member, form)
    form = RewardForm(request.POST, badges=badges)
    if not form.is_valid():
        return _page(request, member, form, status=400)
    data = form.cleaned_data
    try:
        given = services.reward_member(
            moderator=moderator,
            member_id=member.pk,
            points=data["points"],
            badge_id=data["badge"],
            reason=data["reason"],
            thank_you=data["thank_you"],
            post_id=data["post"],
        )
    except DomainError as error:
        shown = error.field in form.fields and not form.fields[error.field].widget.is_hidden
        field = error.field if shown else None  # a hidden field's error is shown on top
        form.add_error(field, error.message)
        return _page(request, member, form, status=error.status_code)
    messages.success(request, f"You rewarded @{member.handle}: {notifications.describe(given)}.")
    return redirect(_next(request, member))


def _page(
    request: HttpRequest, member: User, form: RewardForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    moderator = request.user
    assert isinstance(moderator, User)  # noqa: S101  # login_required guarantees it
    return render(
        request,
        "members/reward.html",
        {
            "member": member,
            "form": form,
            "next": _next(request, member),
            "budget_left": services.budget_left(moderator_id=moderator.pk),
            "refused": refused,
        },
        status=status,
    )
