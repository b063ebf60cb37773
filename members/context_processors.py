"""What every page's header shows about the signed-in member."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.services import email_problem
from members.models import User
from members.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count and whether Hearth stopped emailing the member (bounces or
    a complaint), each computed only when a template shows it: no query when cached, one
    otherwise; nothing for visitors."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {
        "notification_count": SimpleLazyObject(lambda: unread_count(member=user)),
        "email_problem": SimpleLazyObject(lambda: email_problem(user.email)),
    }
