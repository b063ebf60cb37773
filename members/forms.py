from __future__ import annotations

from django.contrib.auth.forms import BaseUserCreationForm

from members.models import User


class AdminUserCreationForm(BaseUserCreationForm[User]):
    """The admin's "add user" form for a user model without a username field."""

    class Meta:
        model = User
        fields = ("email", "handle")
