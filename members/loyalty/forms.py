"""Forms of the loyalty pages: a moderator's badge grant."""

from __future__ import annotations

import re

from django import forms
from django.db.models.functions import Lower

from members.loyalty.badges import MAX_GRANT_MEMBERS, MAX_REASON_LENGTH
from members.models import User

_SEPARATORS = re.compile(r"[\s,;]+")


def members_by_handles(handles: list[str]) -> tuple[list[User], list[str]]:
    """The active members with these handles (any case, with or without @), and the handles
    that name nobody (1 query)."""
    wanted = {h.lstrip("@").lower(): h for h in handles if h.lstrip("@")}
    found: list[User] = list(
        User.objects.alias(handle_lower=Lower("handle"))
        .filter(handle_lower__in=wanted, is_active=True)
        .only("id", "handle")
    )
    known = {member.handle.lower() for member in found}
    return found, [wanted[key] for key in wanted if key not in known]


def split_handles(text: str) -> list[str]:
    """Handles as typed: separated by spaces, commas, semicolons or new lines."""
    return [part for part in _SEPARATORS.split(text) if part]


class BadgeGrantForm(forms.Form):
    """Who gets the badge (up to 50 handles) and why."""

    members = forms.CharField(
        label="Members",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text=f"Handles, separated by spaces or commas (up to {MAX_GRANT_MEMBERS}).",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_REASON_LENGTH,
        help_text="The members see it with the badge.",
    )

    def clean_members(self) -> list[User]:
        handles = split_handles(self.cleaned_data["members"])
        if len(handles) > MAX_GRANT_MEMBERS:
            raise forms.ValidationError(
                f"Grant a badge to at most {MAX_GRANT_MEMBERS} members at once "
                f"({len(handles)} given)."
            )
        found, unknown = members_by_handles(handles)
        if unknown:
            raise forms.ValidationError(
                "No member with the handle " + ", ".join(f"@{h.lstrip('@')}" for h in unknown) + "."
            )
        if not found:
            raise forms.ValidationError("Give at least one handle.")
        return found
