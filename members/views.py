"""Member pages: profiles, the directory, onboarding and the member's own settings."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from allauth.account import views as allauth_views
from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import reauthentication_required
from allauth.account.stages import EmailVerificationStage, LoginStageController
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.http import page_param
from core.models import Delivery
from core.page_cache import member_cacheable, visitor_cacheable
from core.params import text_param
from members import selectors, services
from members.forms import AvatarForm, DeleteAccountForm, OnboardingForm, ProfileForm
from members.models import ContentGoal, SkillLevel, User
from members.notifications import services as notification_services
from members.notifications.forms import NotificationPreferencesForm

ViewFunc = Callable[..., HttpResponse]


def _signed_in_recently(request: HttpRequest) -> bool:
    """A login (or re-authentication) in this session within the re-authentication window."""
    records = get_authentication_records(request, request.user)
    window = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return any(time.time() - record.get("at", 0) < window for record in records)


#: Sensitive actions need the password again, unless the member signed in moments ago.
password_again_unless_recent_login: Callable[[ViewFunc], ViewFunc] = reauthentication_required(
    enabled=lambda request: not _signed_in_recently(request)
)


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@member_cacheable
@visitor_cacheable
@require_GET
def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    """A member's public face. What the viewer may not see is a 404, like an unknown handle."""
    try:
        screen = selectors.get_profile_screen(viewer=request.user, handle=handle)
    except User.DoesNotExist:
        # Unknown, closed and hidden-from-this-viewer look alike, so no handle is confirmed.
        return render(request, "members/profile_unavailable.html", {"handle": handle}, status=404)
    if screen.member.handle != handle:
        return redirect("members:profile", handle=screen.member.handle, permanent=True)
    return render(request, "members/profile_detail.html", {"screen": screen})


@member_cacheable
@visitor_cacheable
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Find peers by name, skill, topic, content goal and tier."""
    skill = text_param(request.GET, "skill", max_length=20)
    goal = text_param(request.GET, "goal", max_length=20)
    screen = selectors.get_directory_screen(
        viewer=request.user,
        filters=selectors.DirectoryFilters(
            query=text_param(request.GET, "q", max_length=100),
            skill_level=skill if skill in SkillLevel.values else "",
            topic=text_param(request.GET, "topic", max_length=50),
            goal=goal if goal in ContentGoal.values else "",
            tier=text_param(request.GET, "tier", max_length=40),
        ),
        page=page_param(request.GET),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"screen": screen, "query_string": query.urlencode()}
    return render(request, "members/directory.html", context)


def _waiting_verification(request: HttpRequest) -> EmailVerificationStage | None:
    """The "verify your email" step of the sign-up (or sign-in) this browser started, which
    allauth keeps in the session, if one is waiting."""
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    return stage if isinstance(stage, EmailVerificationStage) else None


class ConfirmEmailView(allauth_views.ConfirmEmailView):  # type: ignore[misc]  # allauth ships no types
    """allauth's confirmation page, confirming at once (no extra click) when the link is
    opened in the browser that signed up, the one holding the waiting sign-in.

    Elsewhere the page still asks for the click: ACCOUNT_CONFIRM_EMAIL_ON_GET stays off
    because mail scanners (Safe Links and the like) fetch every link in an email, and a GET
    that confirms would let a scanner confirm an address its owner never signed up with.
    A scanner never holds the sign-up's session, so this shortcut cannot be taken by one.
    """

    def get(self, *args: Any, **kwargs: Any) -> HttpResponse:
        stage = _waiting_verification(self.request)
        login = stage.login if stage is not None else None
        if login is not None and login.user is not None:
            try:
                confirmation = self.get_object()
            except Http404:
                confirmation = None
            if confirmation is not None and confirmation.email_address.user_id == login.user.pk:
                return super().post(*args, **kwargs)  # type: ignore[no-any-return]  # allauth ships no types
        return super().get(*args, **kwargs)  # type: ignore[no-any-return]  # allauth ships no types


@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again to the address of the sign-up (or sign-in) waiting
    in this session for it, by running allauth's own verification step again: its
    "confirm_email" rate limit (ACCOUNT_RATE_LIMITS) decides whether a new email goes out,
    and its message says so. Without a waiting sign-in (the session ended), signing in
    sends a new link."""
    stage = _waiting_verification(request)
    user = stage.login.user if stage is not None else None
    if stage is None or user is None:
        messages.info(request, "Sign in with your email and password: we send a new link then.")
        return redirect("account_login")
    links = Delivery.objects.filter(
        recipient_id=user.pk, kind__startswith="account.email_confirmation"
    )
    before = links.count()
    stage.handle()
    if links.count() == before:
        messages.info(
            request,
            "We sent a link a moment ago. Give it a few minutes (and look in your spam "
            "folder) before asking again.",
        )
    return redirect("account_email_verification_sent")


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    """The short welcome flow after the first verified login. Every step can be skipped."""
    member = _member(request)
    next_url = _safe_next(request, reverse("core:home"))
    if request.method == "POST":
        if "skip" in request.POST:
            services.skip_onboarding(member=member)
            messages.info(request, "No problem: you can fill in your profile any time in Settings.")
            return redirect(next_url)
        form = OnboardingForm(request.POST, request.FILES)
        if form.is_valid():
            avatar = form.cleaned_data["avatar"]
            try:
                services.complete_onboarding(
                    member=member,
                    skill_level=form.cleaned_data["skill_level"],
                    topics=form.cleaned_data["topics"],
                    goals=form.cleaned_data["goals"],
                    time_zone=form.cleaned_data["time_zone"],
                    display_name=form.cleaned_data["display_name"],
                    avatar=avatar,
                    avatar_size=avatar.size if avatar else None,
                )
            except DomainError as error:
                member.refresh_from_db()  # the answers were not saved: show the stored name
                form.add_error("avatar", error.message)
            else:
                messages.success(request, "Welcome aboard! Your feed now follows your topics.")
                return redirect(next_url)
    else:
        form = OnboardingForm(
            browser_default=member.onboarded_at is None and member.time_zone == "UTC",
            initial={
                "display_name": member.display_name,
                "skill_level": member.skill_level,
                "time_zone": member.time_zone,
                "topics": list(member.topics.values_list("slug", flat=True)),
                "goals": list(member.goals.values_list("goal", flat=True)),
            },
        )
    return render(
        request,
        "members/onboarding.html",
        {"form": form, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=member)
        if form.is_valid():
            data = dict(form.cleaned_data)
            topics, goals = data.pop("topics"), data.pop("goals")
            services.update_profile(member=member, fields=data, topics=topics, goals=goals)
            messages.success(request, "Your profile is saved.")
            return redirect("members:profile-edit")
        member.refresh_from_db()
    else:
        form = ProfileForm(instance=member)
    return render(
        request, "members/settings_profile.html", {"form": form, "avatar_form": AvatarForm()}
    )


@login_required
@require_POST
def avatar_update(request: HttpRequest) -> HttpResponse:
    """Upload a new avatar (action=upload) or go back to initials (action=remove)."""
    member = _member(request)
    if request.POST.get("action") == "remove":
        services.remove_avatar(member=member)
        messages.success(request, "Your picture is removed; your initials show instead.")
        return redirect("members:profile-edit")
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        upload = avatar_form.cleaned_data["avatar"]
        try:
            services.set_avatar(member=member, upload=upload, size=upload.size)
        except DomainError as error:
            avatar_form.add_error("avatar", error.message)
        else:
            messages.success(request, "Your new picture is saved.")
            return redirect("members:profile-edit")
    return render(
        request,
        "members/settings_profile.html",
        {"form": ProfileForm(instance=member), "avatar_form": avatar_form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = NotificationPreferencesForm(
        request.POST or None,
        initial_preferences=selectors.get_notification_preferences(member=member),
        digest=(member.digest_frequency, member.digest_weekday),
    )
    if request.method == "POST" and form.is_valid():
        notification_services.set_notification_preferences(
            member=member,
            preferences=form.preferences(),
            digest_frequency=form.cleaned_data["digest_frequency"],
            digest_weekday=form.cleaned_data["digest_weekday"],
        )
        messages.success(request, "Your notification choices are saved.")
        return redirect("members:notification-settings")
    return render(
        request,
        "members/settings_notifications.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def privacy_settings(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request, "members/settings_privacy.html", {"delete_form": DeleteAccountForm(member=member)}
    )


@login_required
@password_again_unless_recent_login
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    """Download everything Hearth holds about the member as JSON (after re-authentication)."""
    member = _member(request)
    payload = selectors.export_member_data(member=member)
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="hearth-{member.handle}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@password_again_unless_recent_login
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Erase the account after re-authentication and typing the handle."""
    member = _member(request)
    form = DeleteAccountForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        services.delete_account(member=member)
        logout(request)
        messages.success(
            request, "Your account is deleted. What you wrote stays, signed “former member”."
        )
        return redirect("core:home")
    return render(request, "members/settings_delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create, rotate or revoke the member's API token. A new key is shown once."""
    member = _member(request)
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_api_token(member=member):
                messages.success(request, "Your API token was revoked.")
            return redirect("members:api-token")
        new_key = services.rotate_api_token(member=member).key
    has_token = selectors.has_api_token(member=member)
    return render(request, "members/api_token.html", {"new_key": new_key, "has_token": has_token})
