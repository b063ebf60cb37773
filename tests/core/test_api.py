"""core.api: JSON request bodies read with the types the schema states."""

from datetime import date
from typing import Any

import pytest
from rest_framework import serializers

from core.api import BodySerializer


class Inner(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    note = serializers.CharField(required=False)


class Body(BodySerializer):
    text = serializers.CharField(required=False)
    slug = serializers.SlugField(required=False)
    number = serializers.IntegerField(required=False)
    ratio = serializers.FloatField(required=False)
    flag = serializers.BooleanField(required=False)
    day = serializers.DateField(required=False)
    colour = serializers.ChoiceField(choices=["red", "blue"], required=False)
    size = serializers.ChoiceField(choices=[1, 2, 3], required=False)
    maybe = serializers.CharField(required=False, allow_null=True)
    words = serializers.ListField(child=serializers.CharField(), required=False)
    inner = Inner(required=False)
    inners = Inner(many=True, required=False)
    by_name = serializers.DictField(child=Inner(), required=False)


VALID = {
    "text": "hello",
    "slug": "a-slug",
    "number": 7,
    "ratio": 0.5,
    "flag": True,
    "day": "2026-04-01",
    "colour": "red",
    "size": 2,
    "maybe": None,
    "words": ["a", "b"],
    "inner": {"count": 1, "note": "n"},
    "inners": [{"count": 2}],
    "by_name": {"x": {"count": 3}},
}


def test_a_body_of_the_stated_types_is_read_as_drf_reads_it():
    serializer = Body(data=VALID)

    assert serializer.is_valid() is True
    assert serializer.validated_data == {
        **VALID,
        "day": date(2026, 4, 1),
        "inner": {"count": 1, "note": "n"},
        "inners": [{"count": 2}],
        "by_name": {"x": {"count": 3}},
    }


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"text": 63}, {"text": ["Not a valid string."]}),
        ({"slug": 63}, {"slug": ["Not a valid string."]}),
        ({"number": "7"}, {"number": ["A valid integer is required."]}),
        ({"number": 7.0}, {"number": ["A valid integer is required."]}),
        ({"number": True}, {"number": ["A valid integer is required."]}),
        ({"ratio": "0.5"}, {"ratio": ["A valid number is required."]}),
        ({"flag": "true"}, {"flag": ["Must be a valid boolean."]}),
        ({"flag": 1}, {"flag": ["Must be a valid boolean."]}),
        ({"day": 20260401}, {"day": ["Not a valid string."]}),
        ({"size": "2"}, {"size": ["A valid integer is required."]}),
        ({"words": ["a", 2]}, {"words": {1: ["Not a valid string."]}}),
        ({"inner": {"count": "1"}}, {"inner": {"count": ["A valid integer is required."]}}),
        (
            {"inners": [{"count": 1}, {"count": "2"}]},
            {"inners": {1: {"count": ["A valid integer is required."]}}},
        ),
        (
            {"by_name": {"x": {"note": 5, "count": 1}}},
            {"by_name": {"x": {"note": ["Not a valid string."]}}},
        ),
        (
            {"text": 1, "flag": "no"},
            {"text": ["Not a valid string."], "flag": ["Must be a valid boolean."]},
        ),
    ],
)
def test_a_value_of_another_json_type_is_a_field_message(payload, expected):
    serializer = Body(data=payload)

    assert serializer.is_valid() is False
    assert serializer.errors == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"text": None}, {"text": ["This field may not be null."]}),
        ({"words": "a"}, {"words": ['Expected a list of items but got type "str".']}),
        (
            {"inner": [1]},
            {"inner": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}},
        ),
    ],
)
def test_nulls_and_wrong_containers_keep_drfs_own_messages(payload, expected):
    serializer = Body(data=payload)

    assert serializer.is_valid() is False
    assert serializer.errors == expected


def test_a_body_that_is_not_an_object_keeps_drfs_message():
    serializer = Body(data=["text"])

    assert serializer.is_valid() is False
    assert serializer.errors == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
