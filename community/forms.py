from __future__ import annotations

from typing import Any

from django import forms

from community.models import Category, Thread
from community.services.posting import MAX_POST_LENGTH, MAX_TITLE_LENGTH
from core.models import Topic


class ThreadForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), empty_label="Choose a category…"
    )
    kind = forms.ChoiceField(
        choices=Thread.Kind.choices,
        widget=forms.RadioSelect,
        initial=Thread.Kind.DISCUSSION,
        label="This is a",
    )
    title = forms.CharField(max_length=MAX_TITLE_LENGTH)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_POST_LENGTH,
        strip=False,
        label="Your post",
        help_text="Markdown: ```python for code blocks, @handle to mention someone.",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_POST_LENGTH,
        strip=False,
        label="Your reply",
    )


class PostEditForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_POST_LENGTH,
        strip=False,
        label="Text",
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    category = forms.CharField(required=False, max_length=60)
    topic = forms.CharField(required=False, max_length=50)
    author = forms.CharField(required=False, max_length=31)
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("solved", "Solved questions"), ("unsolved", "Unsolved questions")],
    )
    after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
