"""The reward form: points, an optional manual badge, a reason and an optional thank-you."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from members.rewards.selectors import RewardChoice, default_points


class RewardForm(forms.Form):
    points = forms.IntegerField(label="Points", min_value=0, initial=default_points)
    badge = forms.TypedChoiceField(
        label="Badge", required=False, coerce=int, empty_value=None, choices=()
    )
    reason = forms.CharField(
        label="Reason", max_length=300, help_text="The member sees it with the reward."
    )
    thank_you = forms.CharField(
        label="Public thank-you",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown under the post, for everyone.",
    )
    post = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, badges: tuple[RewardChoice, ...] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cap = settings.MODERATOR_REWARD_MAX_POINTS
        self.fields["points"].help_text = f"Up to {cap} per reward, within your weekly budget."
        badge = self.fields["badge"]
        assert isinstance(badge, forms.TypedChoiceField)  # noqa: S101  # declared above
        badge.choices = [("", "No badge")] + [(b.id, b.name) for b in badges]
