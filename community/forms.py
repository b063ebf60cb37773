from __future__ import annotations

from typing import Any

from django import forms

from community.models import Category, Thread
from community.search import SearchFilters
from community.services.posting import MAX_POST_LENGTH, MAX_TITLE_LENGTH
from core.models import Topic

#: The search filter "status" as the `solved` flag of ThreadFilters.
SOLVED_CHOICES: dict[str, bool] = {"solved": True, "unsolved": False}


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
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]  # a ModelChoiceField


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
    """The search page's query and filters; invalid filters show a message and are ignored."""

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
    show = forms.ChoiceField(
        required=False, choices=[("threads", "One entry per thread"), ("posts", "Every post")]
    )

    @property
    def grouped(self) -> bool:
        """Results one entry per thread (the default), unless every post was asked for."""
        return not (self.is_valid() and self.cleaned_data["show"] == "posts")

    def filters(self) -> SearchFilters:
        """The valid filters as the search selector takes them (none when the form is invalid)."""
        if not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(
            category=data["category"],
            topic=data["topic"],
            author=data["author"],
            solved=SOLVED_CHOICES.get(data["status"]),
            after=data["after"],
            before=data["before"],
        )
