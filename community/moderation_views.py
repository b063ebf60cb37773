"""Moderation pages: moderators (staff), the audit log (staff), the review queue
(moderators). Thin: parse, call one selector or service, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import moderation_actions, selectors
from community.models import Category
from community.moderation_forms import SUSPENSION_DAYS, AppointModeratorForm, FlagForm
from community.selectors import moderation as moderation_selectors
from community.services import flags, roles
from core.exceptions import DomainError
from core.http import or_404, page_param
from core.params import text_param
from core.ratelimit import check_request_rate
from members.models import User
from members.policies import suspension_notice, visible_members

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


# --- Flags ------------------------------------------------------------------------------------


def _flag_target(member: User, kind: str, pk: int) -> tuple[str, str]:
    """What is being flagged (a label) and where to go back to; 404 when invisible."""
    if kind == "post":
        post = or_404(lambda: selectors.get_post(viewer=member, post_id=pk))
        return f"post #{post.number} in “{post.thread.title}”", post.get_absolute_url()
    if kind == "thread":
        thread = or_404(lambda: selectors.get_thread(viewer=member, thread_id=pk))
        return f"the thread “{thread.title}”", thread.get_absolute_url()
    profile = or_404(lambda: visible_members(member).get(pk=pk))
    return f"@{profile.handle}'s profile", reverse("members:profile", args=[profile.handle])


FLAGGERS = {
    "post": lambda member, pk, reason, text: flags.flag_post(
        member=member, post_id=pk, reason=reason, text=text
    ),
    "thread": lambda member, pk, reason, text: flags.flag_thread(
        member=member, thread_id=pk, reason=reason, text=text
    ),
    "profile": lambda member, pk, reason, text: flags.flag_profile(
        member=member, member_id=pk, reason=reason, text=text
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Flag a post, a thread or a profile: a reason, and words for "something else"."""
    member = _member(request)
    label, back = _flag_target(member, kind, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_request_rate(request, "flag")
            FLAGGERS[kind](member, pk, form.cleaned_data["reason"], form.cleaned_data["text"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, "Thanks: moderators will review it. We'll tell you what they decide."
            )
            return redirect(back)
    return render(
        request,
        "community/moderation/flag_form.html",
        {
            "form": form,
            "label": label,
            "back": back,
            "suspension": suspension_notice(member) if member.is_suspended else "",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The review queue -------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Flagged and held content in the moderator's categories, with one-click actions."""
    screen = _or_404(lambda: moderation_selectors.get_review_queue_screen(viewer=request.user))
    return render(
        request,
        "community/moderation/queue.html",
        {"screen": screen, "suspension_days": SUSPENSION_DAYS},
    )


@login_required
@require_POST
def act(request: HttpRequest) -> HttpResponse:
    """One moderation action from the queue, a thread or a member page (forms, no script
    needed): kind (post, thread, profile), id, action, reason, and what the action needs."""
    member = _member(request)
    data = request.POST
    kind, action = data.get("kind", ""), data.get("action", "")
    target = moderation_actions.int_or_none(data.get("id"))
    reason = text_param(data, "reason", max_length=500)
    back = data.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("moderation:queue")
    try:
        done = moderation_actions.perform(
            member, kind=kind, action=action, target=target, reason=reason, data=data
        )
    except (DomainError, ObjectDoesNotExist) as error:
        message = error.message if isinstance(error, DomainError) else "That is gone."
        messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


# --- The audit log (staff) and a member's notices ---------------------------------------------


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    filters = moderation_selectors.AuditFilters(
        action=text_param(request.GET, "action", max_length=20),
        actor=text_param(request.GET, "actor", max_length=40),
        member=text_param(request.GET, "member", max_length=40),
        category=text_param(request.GET, "category", max_length=60),
    )
    screen = _or_404(
        lambda: moderation_selectors.get_audit_log_screen(
            viewer=request.user, filters=filters, page=page_param(request.GET)
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/moderation/audit.html",
        {"screen": screen, "query_string": query.urlencode()},
    )


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """The member's own page: suspension, moderators' messages, their flags' outcomes."""
    screen = moderation_selectors.get_notices_screen(member=_member(request))
    return render(request, "community/moderation/notices.html", {"screen": screen})
