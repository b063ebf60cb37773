"""The notification settings form: per kind, email (right away, digest, never) and on site."""

from __future__ import annotations

import calendar
from typing import Any

from django import forms

from members.models import DigestFrequency, EmailMode
from members.notifications.kinds import KINDS, NotificationKind

WEEKDAYS = [(number, calendar.day_name[number]) for number in range(7)]


class NotificationPreferencesForm(forms.Form):
    """A choice of email mode and an on-site box per registered kind, and the digest."""

    digest_frequency = forms.ChoiceField(
        choices=DigestFrequency.choices,
        label="Email digest",
        help_text="A summary of what you missed, sent in your morning, only when you have "
        "not visited since the last one.",
    )
    digest_weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Weekly digest day")

    def __init__(
        self,
        *args: Any,
        initial_preferences: dict[str, tuple[str, bool]],
        digest: tuple[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["digest_frequency"].initial, self.fields["digest_weekday"].initial = digest
        for key, kind in KINDS.items():
            email, on_site = initial_preferences[key]
            self.fields[f"{key}__email"] = forms.ChoiceField(
                choices=EmailMode.choices, initial=email, label=f"{kind.label}: email"
            )
            self.fields[f"{key}__site"] = forms.BooleanField(
                required=False, initial=on_site, label=f"{kind.label} on the site"
            )

    def rows(self) -> list[tuple[NotificationKind, forms.BoundField, forms.BoundField]]:
        """(kind, its email choice, its on-site box) for the settings table."""
        return [(kind, self[f"{key}__email"], self[f"{key}__site"]) for key, kind in KINDS.items()]

    def preferences_keys(self) -> list[str]:
        """The kinds the form asks about, in order."""
        return list(KINDS)

    def preferences(self) -> dict[str, tuple[str, bool]]:
        """The cleaned choices: kind -> (email mode, on site)."""
        return {
            key: (self.cleaned_data[f"{key}__email"], self.cleaned_data[f"{key}__site"])
            for key in KINDS
        }
