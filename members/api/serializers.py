from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from core.api import BodySerializer
from core.models import Topic
from members.models import ContentGoal, User
from members.policies import can_see_birthday
from members.validators import available_time_zones, validate_birthday

PUBLIC_FIELDS: tuple[str, ...] = (
    "handle",
    "display_name",
    "headline",
    "bio",
    "bio_html",
    "avatar_url",
    "avatar_small_url",
    "skill_level",
    "topics",
    "content_goals",
    "links",
    "tier",
    "date_joined",
    "birthday",
)


class TierField(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField()


class BirthdaySerializer(serializers.Serializer[Any]):
    month = serializers.IntegerField(min_value=1, max_value=12)
    day = serializers.IntegerField(min_value=1, max_value=31)


class MemberOutputSerializer(serializers.ModelSerializer[User]):
    """What anyone allowed to see the profile sees. Never email, time zone or private fields."""

    avatar_url = serializers.SerializerMethodField()
    avatar_small_url = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    content_goals = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    tier = TierField(allow_null=True)
    birthday = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields: tuple[str, ...] = PUBLIC_FIELDS
        read_only_fields: tuple[str, ...] = fields

    def _url(self, field: Any) -> str | None:
        if not field:
            return None
        request = self.context.get("request")
        url: str = field.url
        return request.build_absolute_uri(url) if request else url

    def get_avatar_url(self, member: User) -> str | None:
        return self._url(member.avatar)

    def get_avatar_small_url(self, member: User) -> str | None:
        return self._url(member.avatar_small)

    def get_topics(self, member: User) -> list[str]:
        return [topic.slug for topic in member.topics.all()]  # prefetched by the selector

    def get_content_goals(self, member: User) -> list[str]:
        return sorted(goal.goal for goal in member.goals.all())  # prefetched

    def get_links(self, member: User) -> dict[str, str]:
        return {name: url for name, url in member.links.items() if url}

    def get_birthday(self, member: User) -> dict[str, int] | None:
        viewer = self.context["request"].user
        if member.birthday_month is None or not can_see_birthday(viewer, member):
            return None
        return {"month": member.birthday_month, "day": member.birthday_day or 0}


class MeOutputSerializer(MemberOutputSerializer):
    """The member's own view: the public profile plus private settings."""

    class Meta(MemberOutputSerializer.Meta):
        fields = (
            "id",
            *PUBLIC_FIELDS,
            "email",
            "time_zone",
            "shows_birthday",
            "profile_visibility",
            "is_staff",
            "onboarded",
        )
        read_only_fields = fields

    onboarded = serializers.SerializerMethodField()

    def get_onboarded(self, member: User) -> bool:
        return member.onboarded_at is not None


class ProfileInputSerializer(BodySerializer):
    """Partial updates of the member's own profile."""

    display_name = serializers.CharField(max_length=80, allow_blank=True, required=False)
    headline = serializers.CharField(max_length=120, allow_blank=True, required=False)
    bio = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    skill_level = serializers.ChoiceField(
        choices=User._meta.get_field("skill_level").choices or [],
        allow_blank=True,
        required=False,
    )
    topics = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), many=True, required=False
    )
    content_goals = serializers.ListField(
        child=serializers.ChoiceField(choices=ContentGoal.choices),
        required=False,
        max_length=len(ContentGoal.choices),
    )
    website_url = serializers.URLField(allow_blank=True, required=False)
    blog_url = serializers.URLField(allow_blank=True, required=False)
    youtube_url = serializers.URLField(allow_blank=True, required=False)
    github_url = serializers.URLField(allow_blank=True, required=False)
    social_url = serializers.URLField(allow_blank=True, required=False)
    linkedin_url = serializers.URLField(allow_blank=True, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    birthday = BirthdaySerializer(allow_null=True, required=False)
    shows_birthday = serializers.BooleanField(required=False)
    profile_visibility = serializers.ChoiceField(
        choices=User._meta.get_field("profile_visibility").choices or [], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's validators (hosts of GitHub/YouTube/LinkedIn links) apply here too.
        for name in (
            "website_url",
            "blog_url",
            "youtube_url",
            "github_url",
            "social_url",
            "linkedin_url",
        ):
            model_field = User._meta.get_field(name)
            assert isinstance(model_field, models.Field)  # noqa: S101  # a concrete column
            self.fields[name].validators.extend(model_field.validators)

    def validate_time_zone(self, value: str) -> str:
        if value not in available_time_zones():
            raise serializers.ValidationError(
                "Unknown time zone; use an IANA name like Europe/Berlin."
            )
        return value

    def validate_birthday(self, value: dict[str, int] | None) -> dict[str, int] | None:
        if value is not None:
            try:
                validate_birthday(value["month"], value["day"])
            except Exception as exc:
                raise serializers.ValidationError("That day does not exist in that month.") from exc
        return value


class AvatarInputSerializer(serializers.Serializer[Any]):
    avatar = serializers.FileField()
