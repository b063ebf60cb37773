"""Writes with business rules for members."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from members.models import User


@transaction.atomic
def rotate_api_token(*, member: User) -> Token:
    """Replace the member's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=member).delete()
    return Token.objects.create(user=member)


@transaction.atomic
def revoke_api_token(*, member: User) -> bool:
    """Delete the member's API token. False when there was none."""
    deleted, _ = Token.objects.filter(user=member).delete()
    return bool(deleted)


@transaction.atomic
def update_account(*, member: User, display_name: str) -> User:
    """Change what the member is called on pages."""
    member.display_name = display_name.strip()
    member.save(update_fields=["display_name"])
    return member
