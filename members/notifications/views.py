"""The inbox: the list, opening a notification, marking read, and the bell's poll."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import or_404
from core.page_cache import member_cacheable
from members.hooks import scope_muter
from members.middleware import without_member_time_zone
from members.models import User
from members.notifications import selectors, services
from members.notifications.emails import DIGEST, Unsubscribe, read_unsubscribe_token
from members.notifications.kinds import KINDS
from members.notifications.services import UNSUBSCRIBE_REASONS


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


@member_cacheable
@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first, grouped."""
    member = _member(request)
    before = request.GET.get("before", "")
    screen = selectors.get_inbox_screen(
        member=member, before=int(before) if before.isascii() and before.isdigit() else None
    )
    if screen.unreachable_ids:
        services.mark_unreachable_read(member_id=member.pk, notification_ids=screen.unreachable_ids)
    return render(request, "members/notifications.html", {"screen": screen})


@login_required
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Go to what the notification is about, marking it (and its group) read."""
    member = _member(request)
    target = or_404(
        lambda: selectors.get_notification_target(member=member, notification_id=notification_id)
    )
    services.mark_group_read(member_id=member.pk, notification_id=notification_id)
    return redirect(target.url)


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.mark_group_read(member_id=_member(request).pk, notification_id=notification_id)
    return redirect("members:notifications")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(member_id=_member(request).pk)
    if marked:
        messages.success(request, "Everything is marked read.")
    return redirect("members:notifications")


@without_member_time_zone
@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    """The bell's poll: {"unread": n} with an ETag. When the count is cached and the
    browser's copy is current, a 304 that touched no database table (the member's id comes
    from the session, which the cached_db engine serves from the cache)."""
    member_id = request.session.get(SESSION_KEY)
    if member_id is None:
        return JsonResponse({"detail": "Sign in to see your notifications."}, status=401)
    cached = selectors.cached_unread_count(int(member_id))
    etag = f'"{member_id}-{cached}"'
    if cached is not None and request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        if not isinstance(request.user, User) or not request.user.is_active:
            return JsonResponse({"detail": "Sign in to see your notifications."}, status=401)
        count = selectors.unread_count(member=request.user)
        etag = f'"{member_id}-{count}"'
        response = JsonResponse({"unread": count})
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _unsubscribe_context(token: str) -> dict[str, object] | None:
    request = read_unsubscribe_token(token)
    if request is None:
        return None
    member = User.objects.filter(pk=request.member_id, is_active=True).first()
    if member is None:
        return None
    muter = scope_muter(request.scope)
    kind = KINDS.get(request.kind)
    return {
        "token": token,
        "request": request,
        "member": member,
        "label": kind.label if kind else "Digest emails",
        "is_digest": request.kind == DIGEST,
        "mute_options": muter.options(member, request.scope) if muter else [],
        "reasons": UNSUBSCRIBE_REASONS.items(),
    }


@csrf_exempt  # mail clients POST here with no session (RFC 8058); the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe for one member and one kind of email, no sign-in needed.

    GET shows a page with one button and the milder choices (a link scanner that follows
    links changes nothing); POST carries out the choice (a mail client's one-click POST
    carries List-Unsubscribe=One-Click and means "off")."""
    context = _unsubscribe_context(token)
    if context is None:
        return render(request, "members/unsubscribe_invalid.html", status=400)
    if request.method == "GET":
        return render(request, "members/unsubscribe.html", context)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    choice = "off" if one_click else request.POST.get("choice", "off")
    target = context["request"]
    assert isinstance(target, Unsubscribe)  # noqa: S101  # _unsubscribe_context made it
    try:
        done = services.unsubscribe(
            member_id=target.member_id,
            kind=target.kind,
            choice=choice,
            scope=target.scope,
            reason=request.POST.get("reason", ""),
        )
    except ValueError:
        context["error"] = "That choice is not available for this email. Pick one below."
        return render(request, "members/unsubscribe.html", context, status=400)
    return render(request, "members/unsubscribe_done.html", {**context, "done": done})
