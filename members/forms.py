from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows import signup as signup_flows
from django.contrib.auth.forms import BaseUserCreationForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from members.models import User


class AdminUserCreationForm(BaseUserCreationForm[User]):
    """The admin's "add user" form for a user model without a username field."""

    class Meta:
        model = User
        fields = ("email", "handle")


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]  # allauth ships no types
    """allauth's sign-up, safe against two sign-ups racing for one email or handle.

    allauth checks uniqueness, then inserts; between the two another request can take the
    email or handle. The database constraints refuse the second insert, and this form turns
    that refusal into the same answers a slower visitor would get: the "check your inbox"
    page for a taken email (revealing nothing), a field message for a taken handle.
    """

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        try:
            with transaction.atomic():
                return super().try_save(request)  # type: ignore[no-any-return]
        except IntegrityError:
            email = self.cleaned_data.get("email", "")
            if User.objects.filter(email__iexact=email).exists():
                return None, signup_flows.prevent_enumeration(request, email=email, phone=None)
            self.add_error("username", get_adapter().error_messages["username_taken"])
            return None, TemplateResponse(
                request, "account/signup.html", {"form": self}, status=200
            )
