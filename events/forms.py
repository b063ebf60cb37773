"""Input shapes of the event pages. They check shape only; the services decide the rules."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Topic
from events.models import Event, ProposalOption
from events.services.publishing import EventDetails
from events.services.questions import MAX_QUESTION_LENGTH, HostAction
from events.times import moment_label
from members.models import Tier, User
from members.validators import available_time_zones

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in sorted(available_time_zones())]


class TopicChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # stubs: generic
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


def _topics_field(label: str = "Topics") -> TopicChoiceField:
    return TopicChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
    )


class WallClockField(forms.DateTimeField):
    """A date and time as typed (a browser's datetime-local), kept naive: the form places
    it in the right zone itself."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    input_formats = [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for pattern in self.input_formats:
            try:
                # Naive on purpose: the form places the wall-clock time in the right zone.
                return datetime.strptime(str(value).strip(), pattern)  # noqa: DTZ007  # a wall-clock time in the event zone
            except ValueError:
                continue
        raise ValidationError("Enter a date and time.", code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=None).strftime(DATETIME_LOCAL)
        return value


def in_zone(naive: datetime, zone: ZoneInfo) -> datetime | None:
    """The wall-clock time in `zone`, or None when it does not exist there (the hour the
    clocks skip in spring)."""
    aware = naive.replace(tzinfo=zone)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    return aware if round_trip == naive else None


def wall_clock(moment: datetime | None, zone_name: str) -> datetime | None:
    """An aware moment as the naive wall-clock time in `zone_name` (for initial values)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


class EventForm(forms.Form):
    """What staff write about an event. Times are typed in the event's own time zone."""

    TIME_FIELDS = (
        "starts_at",
        "ends_at",
        "early_access_opens_at",
        "registration_opens_at",
        "registration_closes_at",
    )

    kind = forms.ChoiceField(choices=Event.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, _italic_, [links](https://…), lists, `code`.",
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="UTC",
        help_text="The event's own zone: the times below are in it.",
    )
    starts_at = WallClockField(label="Starts")
    ends_at = WallClockField(label="Ends")
    hosts = forms.CharField(
        max_length=500,
        help_text="Handles of the hosts, staff or members, separated by commas: ada, linus.",
    )
    capacity = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, help_text="Empty: unlimited seats."
    )
    access = forms.ChoiceField(choices=Event.Access.choices, widget=forms.RadioSelect)
    minimum_tier = forms.ModelChoiceField(
        queryset=Tier.objects.all(), required=False, help_text="For a tier-only event."
    )
    registration_opens_at = WallClockField(
        required=False, label="Registration opens", help_text="Empty: as soon as it's published."
    )
    early_access_tier = forms.ModelChoiceField(
        queryset=Tier.objects.all(),
        required=False,
        help_text="Members of this tier and above may register early.",
    )
    early_access_opens_at = WallClockField(required=False, label="Early access opens")
    registration_closes_at = WallClockField(
        required=False, label="Registration closes", help_text="Empty: at the start."
    )
    join_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Join link",
        help_text="Only confirmed registrants and hosts ever see it.",
    )
    place = forms.CharField(required=False, max_length=200, help_text="A venue, for meetups.")
    topics = _topics_field()

    def clean_hosts(self) -> list[User]:
        handles = [h.lstrip("@") for h in re.split(r"[\s,]+", self.cleaned_data["hosts"]) if h]
        wanted = {h.lower() for h in handles}
        found: list[User] = list(
            User.objects.alias(handle_lower=Lower("handle")).filter(
                handle_lower__in=wanted, is_active=True
            )
        )
        missing = wanted - {user.handle.lower() for user in found}
        if missing:
            raise ValidationError(
                "No active member with the handle "
                + ", ".join(sorted(f"@{h}" for h in missing))
                + "."
            )
        if not found:
            raise ValidationError("Name at least one host.")
        return found

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned
        zone = ZoneInfo(zone_name)
        for name in self.TIME_FIELDS:
            naive = cleaned.get(name)
            if naive is None:
                continue
            aware = in_zone(naive, zone)
            if aware is None:
                self.add_error(name, f"That time doesn't exist in {zone_name}: the clocks skip it.")
            else:
                cleaned[name] = aware
        return cleaned

    def details(self) -> EventDetails:
        data = self.cleaned_data
        return EventDetails(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=data["time_zone"],
            hosts=data["hosts"],
            capacity=data["capacity"],
            access=data["access"],
            minimum_tier=data["minimum_tier"],
            early_access_tier=data["early_access_tier"],
            early_access_opens_at=data["early_access_opens_at"],
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            join_url=data["join_url"],
            place=data["place"],
            topics=list(data["topics"]),
        )

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        zone = event.time_zone
        initial: dict[str, Any] = {
            name: getattr(event, name)
            for name in (
                "kind",
                "title",
                "description",
                "time_zone",
                "capacity",
                "access",
                "minimum_tier",
                "early_access_tier",
                "join_url",
                "place",
            )
        }
        for name in cls.TIME_FIELDS:
            initial[name] = wall_clock(getattr(event, name), zone)
        initial["hosts"] = ", ".join(host.handle for host in event.hosts.all())
        initial["topics"] = [topic.slug for topic in event.topics.all()]
        return initial


class CoverForm(forms.Form):
    cover = forms.FileField(
        label="Cover image",
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. Cropped to 1200×630.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Your question",
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_anonymous = forms.BooleanField(
        required=False,
        label="Ask anonymously",
        help_text="Other members won't see your name; the hosts will. Anonymous questions "
        "appear once a host approves them.",
    )


def parse_recording_time(value: str) -> int | None:
    """ "12:34" or "1:02:03" (or plain seconds) as seconds; None for empty. Raises
    ValidationError for anything else."""
    text = value.strip()
    if not text:
        return None
    parts = text.split(":")
    if len(parts) > 3 or not all(part.isdigit() for part in parts):
        raise ValidationError("Write a time in the recording as 12:34 or 1:02:03.")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


class HostQuestionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in HostAction.values])
    answer_url = forms.URLField(required=False, assume_scheme="https", label="Answer link")
    answer_at = forms.CharField(
        required=False, max_length=12, label="Time in the recording", help_text="e.g. 12:34"
    )

    def clean_answer_at(self) -> int | None:
        return parse_recording_time(self.cleaned_data.get("answer_at", ""))


class CheckInForm(forms.Form):
    code = forms.CharField(
        max_length=20, label="Event code", help_text="The hosts share it during the event."
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label="How was it? (1 to 5)",
    )
    comment = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything to add? (optional)",
    )


class RecordingForm(forms.Form):
    recording_url = forms.URLField(assume_scheme="https", label="Recording link")


class ProposalForm(forms.Form):
    """A member's masterclass proposal. Dates are in the member's own time zone."""

    title = forms.CharField(max_length=200)
    outline = forms.CharField(
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you'll teach and who it's for. Markdown works.",
    )
    duration_minutes = forms.TypedChoiceField(
        choices=[(m, f"{m} minutes") for m in (30, 45, 60, 90, 120, 180)],
        coerce=int,
        initial=60,
        label="Length",
    )
    option_1 = WallClockField(label="A date that works for you")
    option_2 = WallClockField(required=False, label="Another date (optional)")
    option_3 = WallClockField(required=False, label="A third date (optional)")
    topics = _topics_field()

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        for name in ("option_1", "option_2", "option_3"):
            self.fields[name].help_text = f"In your time zone, {zone.key}."

    def options(self) -> list[datetime]:
        moments = []
        for name in ("option_1", "option_2", "option_3"):
            naive = self.cleaned_data.get(name)
            if naive is not None:
                aware = in_zone(naive, self.zone)
                if aware is None:
                    self.add_error(
                        name, "That time doesn't exist in your zone: the clocks skip it."
                    )
                else:
                    moments.append(aware)
        return moments


class OptionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs: generic
    """A proposal's dates, labelled in the viewer's zone."""

    def label_from_instance(self, obj: ProposalOption) -> str:
        return moment_label(obj.starts_at, timezone.get_current_timezone())


class ScheduleForm(forms.Form):
    option = OptionChoiceField(
        queryset=ProposalOption.objects.none(), widget=forms.RadioSelect, label="Date"
    )
    capacity = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, help_text="Empty: unlimited seats."
    )

    def __init__(self, *args: Any, proposal_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option_field = self.fields["option"]
        assert isinstance(option_field, forms.ModelChoiceField)  # noqa: S101  # declared above
        option_field.queryset = ProposalOption.objects.filter(proposal_id=proposal_id)


class DeclineForm(forms.Form):
    note = forms.CharField(max_length=500, label="Why (the proposer reads this)")
