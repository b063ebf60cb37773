"""Forms of core's own pages (the staff outbox)."""

from __future__ import annotations

from django import forms

from core.models import Delivery
from core.selectors import OutboxFilters


class OutboxFilterForm(forms.Form):
    """The outbox's filters; an invalid value shows a message and is ignored."""

    recipient = forms.CharField(required=False, max_length=254, label="Recipient")
    kind = forms.CharField(required=False, max_length=64, label="Kind")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Delivery.Status.choices], label="Status"
    )

    def filters(self) -> OutboxFilters:
        if not self.is_valid():
            return OutboxFilters()
        data = self.cleaned_data
        return OutboxFilters(
            recipient=data["recipient"].strip(), kind=data["kind"], status=data["status"]
        )
