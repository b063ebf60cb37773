"""allauth behaviour for Hearth: messages in our voice, email through the Delivery ledger,
and new members sent to onboarding after their first verified login."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse

from core.services import queue_email
from members.models import User


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": "That handle is taken (handles ignore letter case). Please pick another.",
        "username_blacklisted": "That handle is reserved. Please pick another.",
    }

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """New members go through onboarding first; everyone else where they were going."""
        user = request.user
        if isinstance(user, User) and user.onboarded_at is None:
            return reverse("members:onboarding")
        return str(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """Where a sign-up ends once the email is verified (allauth resumes the login)."""
        return reverse("members:onboarding")

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """After confirming the first address, a new member lands in onboarding."""
        user = email_address.user
        if isinstance(user, User) and user.onboarded_at is None:
            return reverse("members:onboarding")
        return str(super().get_email_verification_redirect_url(email_address))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's message and hand it to a Celery task through the ledger.

        Each allauth message is its own delivery (a fresh key), so a retried task never
        sends it twice, and the request never waits on SMTP.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = ""
        if isinstance(message, EmailMultiAlternatives):
            html_body = next(
                (str(body) for body, mime in message.alternatives if mime == "text/html"), ""
            )
        user = context.get("user")
        queue_email(
            to_email=email,
            subject=str(message.subject),
            text_body=str(message.body),
            html_body=html_body,
            kind="account." + template_prefix.rsplit("/", 1)[-1],
            key=uuid.uuid4().hex,
            recipient_id=getattr(user, "pk", None),
        )
