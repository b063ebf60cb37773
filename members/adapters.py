"""allauth behaviour for Hearth: messages in our voice, email through the Delivery ledger."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives

from core.services import queue_email


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": "That handle is taken (handles ignore letter case). Please pick another.",
        "username_blacklisted": "That handle is reserved. Please pick another.",
    }

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
