"""Receivers for allauth/Django auth signals. They delegate to services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from members.models import User
from members.services import record_activity


@receiver(user_logged_in)
def note_login_activity(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record_activity(member_id=user.pk)
