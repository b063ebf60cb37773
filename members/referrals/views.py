"""Referral pages: the landing page of a personal link, and the member's referrals."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import page_param
from members.models import User
from members.referrals import identity, selectors, services


@require_GET
def join(request: HttpRequest, code: str) -> HttpResponse:
    """A referral link: who invites the visitor, and the way to sign up. Remembers the
    code (a signed cookie, for REFERRAL_WINDOW_DAYS) so the sign-up records the referrer."""
    referrer = selectors.get_referrer_for_code(code)
    if referrer is None:
        raise Http404("No such invitation.")
    is_member = request.user.is_authenticated
    response = render(
        request,
        "members/referral_join.html",
        {
            "referrer": referrer,
            "is_member": is_member,
            "window_days": settings.REFERRAL_WINDOW_DAYS,
        },
    )
    if not is_member:
        response.set_signed_cookie(
            identity.REFERRAL_COOKIE,
            code,
            salt=identity.REFERRAL_COOKIE_SALT,
            max_age=settings.REFERRAL_WINDOW_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        identity.ensure_device_cookie(request, response)
    return response


@login_required
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """The member's personal link, and everyone who joined through it with what it earned.

    Opening it remembers this browser (device and network) as the member's, so a sign-up
    through the link from here is flagged for staff."""
    member = request.user
    assert isinstance(member, User)  # noqa: S101  # login_required guarantees it
    link = services.get_or_create_link(member_id=member.pk)
    before = page_param(request.GET, "before") if "before" in request.GET else None
    screen = selectors.get_referrals_screen(viewer=member, link=link, before=before)
    response = render(
        request,
        "members/referrals.html",
        {
            "screen": screen,
            "join_url": request.build_absolute_uri(screen.join_path),
            "window_days": settings.REFERRAL_WINDOW_DAYS,
        },
    )
    device = identity.ensure_device_cookie(request, response)
    services.note_sighting(member_id=member.pk, network=identity.network_of(request), device=device)
    return response
