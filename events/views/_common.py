"""What the event pages share: the signed-in member, and showing a refusal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.exceptions import DomainError
from events.models import Event
from members.models import User


def member_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


def event_url(event_id: int) -> str:
    """The event's page (the slug is fixed by a redirect there)."""
    return reverse("events:detail-short", args=[event_id])


def refused(request: HttpRequest, error: DomainError, event: Event | int) -> HttpResponse:
    """Show a service's refusal on the event page."""
    messages.error(request, error.message)
    return redirect(event_url(event if isinstance(event, int) else event.pk))
