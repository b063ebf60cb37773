from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from members.models import User
from members.services import revoke_api_token, rotate_api_token


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create, rotate or revoke the member's API token. A new key is shown once."""
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_api_token(member=request.user):
                messages.success(request, "Your API token was revoked.")
            return redirect("members:api-token")
        new_key = rotate_api_token(member=request.user).key
    has_token = Token.objects.filter(user=request.user).exists()
    return render(request, "members/api_token.html", {"new_key": new_key, "has_token": has_token})
