from __future__ import annotations

from typing import Any

from django import forms

from community.models import Category, Thread
from community.search import SearchFilters
from community.services.posting import MAX_POST_LENGTH, MAX_TITLE_LENGTH
from core.models import Topic

#: The search filter "status" as the `solved` flag of ThreadFilters.
SOLVED_CHOICES: dict[str, bool] = {"solved": True, "unsolved": False}


IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _image_field() -> forms.FileField:
    """The composer's image picker: without JavaScript the image is uploaded with the form
    and its Markdown added at the end of the text (with it, it goes in where the cursor is)."""
    return forms.FileField(
        required=False,
        label="Add an image",
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. It goes at the end of your text.",
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


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
    title = forms.CharField(
        max_length=MAX_TITLE_LENGTH,
        # composer.js shows similar threads as the title is typed
        widget=forms.TextInput(attrs={"data-similar-title": "", "autocomplete": "off"}),
    )
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
    image = _image_field()

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
    image = _image_field()


class PostEditForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_POST_LENGTH,
        strip=False,
        label="Text",
    )
    image = _image_field()


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
