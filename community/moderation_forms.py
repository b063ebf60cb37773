"""Forms of the moderation pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from community.models import Category, Flag
from members.models import User


class AppointModeratorForm(forms.Form):
    handle = forms.CharField(max_length=40, label="Member's handle", help_text="Without the @.")
    scope = forms.ChoiceField(label="Moderates", choices=())

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)  # noqa: S101  # declared above
        scope.choices = [("", "The whole forum")] + [
            (str(category.pk), category.name) for category in categories
        ]

    def clean_handle(self) -> str:
        handle = str(self.cleaned_data["handle"]).strip().lstrip("@")
        member = User.objects.filter(handle__iexact=handle, is_active=True).first()
        if member is None:
            raise forms.ValidationError("No active member has that handle.")
        self.cleaned_data["member"] = member
        return handle

    def clean_scope(self) -> int | None:
        scope = str(self.cleaned_data["scope"])
        return int(scope) if scope else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["category_id"] = data.get("scope")
        return data


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Tell the moderators more",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for “Something else”; optional otherwise. Only moderators read it.",
    )


#: Suspension lengths offered on the queue and member pages (days; 0 is for good).
SUSPENSION_DAYS = [(1, "1 day"), (3, "3 days"), (7, "a week"), (30, "30 days"), (0, "for good")]
