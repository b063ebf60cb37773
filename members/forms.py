from __future__ import annotations

import calendar
from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core.models import Topic
from members.models import GOAL_TOPICS, PROFILE_FIELDS, ContentGoal, SkillLevel, User
from members.validators import available_time_zones, validate_birthday


class AdminUserCreationForm(BaseUserCreationForm[User]):
    """The admin's "add user" form for a user model without a username field."""

    class Meta:
        model = User
        fields = ("email", "handle")


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]  # allauth ships no types
    """allauth's sign-up, safe against two sign-ups racing for one email or handle.

    allauth checks uniqueness, then inserts; between the two another request can take the
    email or handle. The database constraints refuse the second insert, and this form turns
    that refusal into the same answers a slower visitor would get: the "check your inbox"
    page for a taken email (revealing nothing), a field message for a taken handle.

    It also takes the same time whether the email is taken or not: allauth hashes the
    password only when it creates an account, and that hash (hundreds of milliseconds with
    the production hasher) would tell an existing address from a new one on every probe.
    """

    #: Set by allauth's clean() when the email already has an account.
    account_already_exists: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handle = self.fields["username"]
        handle.label = "Handle"
        handle.help_text = (
            "Your @name for mentions: letters, digits and underscores, 2–30 characters."
        )
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        if self.account_already_exists:
            _hash_and_discard(self.cleaned_data["password1"])
        try:
            with transaction.atomic():
                return super().try_save(request)  # type: ignore[no-any-return]  # untyped
        except IntegrityError:
            email = self.cleaned_data.get("email", "")
            if User.objects.filter(email__iexact=email).exists():
                # Answer as allauth answers a taken email (its public path, no internals):
                # the "check your inbox" page, and the existing account is told.
                self.account_already_exists = True
                return super().try_save(request)  # type: ignore[no-any-return]  # untyped
            self.add_error("username", get_adapter().error_messages["username_taken"])
            return None, TemplateResponse(
                request, "account/signup.html", {"form": self}, status=200
            )


def _hash_and_discard(password: str) -> None:
    """Do the work of storing a password (one hash by the configured hasher), keep nothing."""
    make_password(password)


class TopicChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # stubs: generic
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


def _topic_field() -> TopicChoiceField:
    # The crafts (video, talks, newsletters…) are asked once, as content goals.
    return TopicChoiceField(
        queryset=Topic.objects.exclude(slug__in=GOAL_TOPICS.values()),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Topics you care about",
    )


def _goal_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=ContentGoal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What you create, or want to",
    )


def _time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(tz, tz.replace("_", " ")) for tz in sorted(available_time_zones())],
        initial="UTC",
        label="Time zone",
        help_text="Event times and emails use it.",
    )


class OnboardingForm(forms.Form):
    display_name = forms.CharField(
        max_length=80,
        required=False,
        label="Your name, as others see it",
        help_text="Leave it empty and people see your @handle.",
    )
    avatar = forms.FileField(
        required=False,
        label="A picture of you",
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. We crop it to a square. Optional.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    skill_level = forms.ChoiceField(
        choices=SkillLevel.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Your experience as an engineer",
    )
    topics = _topic_field()
    goals = _goal_field()
    time_zone = _time_zone_field()

    def __init__(self, *args: Any, browser_default: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if browser_default:
            # hearth.js swaps the untouched default for the browser's own zone.
            self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "UTC"


def _https_by_default(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A bare "example.com" typed in a link field means https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs: generic
    """Everything a member edits about themselves on one page."""

    topics = _topic_field()
    goals = _goal_field()
    time_zone = _time_zone_field()
    birthday_month = forms.TypedChoiceField(
        choices=[("", "—")] + [(m, calendar.month_name[m]) for m in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Birthday month",
    )
    birthday_day = forms.TypedChoiceField(
        choices=[("", "—")] + [(d, str(d)) for d in range(1, 32)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Birthday day",
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        formfield_callback = _https_by_default
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "profile_visibility": forms.RadioSelect,
        }
        help_texts = {
            "bio": "Markdown: **bold**, _italic_, [links](https://…), `code`.",
            "headline": "One line, e.g. “Backend engineer writing about Postgres”.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["topics"].initial = list(
                self.instance.topics.values_list("slug", flat=True)
            )
            self.fields["goals"].initial = list(self.instance.goals.values_list("goal", flat=True))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        try:
            validate_birthday(cleaned.get("birthday_month"), cleaned.get("birthday_day"))
        except ValidationError as exc:
            self.add_error("birthday_day", exc)
        return cleaned


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="New picture",
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. We crop it to a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label="Type your handle to confirm",
        help_text="This cannot be undone.",
    )

    def __init__(self, *args: Any, member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip().lstrip("@")
        if value.lower() != self.member.handle.lower():
            raise ValidationError(f"Type your handle, {self.member.handle}, to confirm.")
        return value
