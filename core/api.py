"""What every app's API shares: links between pages, page numbers, request bodies.

Every list pages by a key (a cursor, a post number range or a capped page number), never by
an OFFSET that grows with depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from rest_framework import pagination, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

T = TypeVar("T")


def page_link(request: Request, name: str, value: str | int | None) -> str | None:
    """This request's absolute URL with `name` set to `value`; None when there is no page."""
    if value is None:
        return None
    return replace_query_param(request.build_absolute_uri(), name, value)


def or_400(field: str, message: str, load: Callable[[], T]) -> T:
    """The result of `load()`, or a 400 naming `field` when it raises DoesNotExist: for a
    filter that names something missing or invisible (the two look the same)."""
    try:
        return load()
    except ObjectDoesNotExist as exc:
        raise ValidationError({field: [message]}) from exc


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, validated like every other filter (REST_FRAMEWORK default).

    DRF read `?page=` as page 1 and `?page=abc` as a missing page (404); here a page that is
    not a whole number from 1 up is a 400 naming `page`, and one past the last stays a 404.
    """

    def get_page_number(self, request: Request, paginator: Any) -> int:
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        try:
            number: int = serializers.IntegerField(min_value=1).run_validation(value)
        except ValidationError as exc:
            raise ValidationError({self.page_query_param: exc.detail}) from exc
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


# --- Request bodies: JSON types as the schema states them -----------------------------------

_MESSAGES = {
    "string": "Not a valid string.",
    "integer": "A valid integer is required.",
    "number": "A valid number is required.",
    "boolean": "Must be a valid boolean.",
}


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": _is_integer,
    "number": lambda value: _is_integer(value) or isinstance(value, float),
    "boolean": lambda value: isinstance(value, bool),
}


class IdOrSlugField(serializers.CharField):
    """Something named by its id, a JSON number (12) or digits ("12"), or by its slug
    ("help"); read as a string for the lookup. The schema says integer or string."""

    json_types = ("integer", "string")
    default_error_messages = {"invalid": "Give an id (a number) or a slug."}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        return super().to_internal_value(data)


def _expected_types(field: serializers.Field[Any, Any, Any, Any]) -> tuple[str, ...]:
    """The JSON types `field` reads; () when DRF's own checks are exact already."""
    declared: tuple[str, ...] | None = getattr(field, "json_types", None)
    if declared is not None:
        return declared
    single = _expected_type(field)
    return (single,) if single else ()


def _expected_type(field: serializers.Field[Any, Any, Any, Any]) -> str | None:
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "number"
    if isinstance(field, serializers.MultipleChoiceField | serializers.FileField):
        return None
    if isinstance(field, serializers.ChoiceField):
        keys = [key for key in field.choices if key != ""]
        if keys and all(_is_integer(key) for key in keys):
            return "integer"
        return "string" if all(isinstance(key, str) for key in keys) else None
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        queryset = field.get_queryset()
        pk = queryset.model._meta.pk if queryset is not None else None
        return "integer" if isinstance(pk, models.IntegerField | models.AutoField) else None
    if isinstance(
        field,
        serializers.CharField
        | serializers.SlugRelatedField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField
        | serializers.DurationField
        | serializers.UUIDField,
    ):
        return "string"
    return None


def _type_errors(field: Any, value: Any) -> Any:
    """Messages for the parts of `value` whose JSON type `field` does not read, or None.

    Values of the wrong container type (an object for a list, say) and nulls are left to
    DRF, which already refuses them exactly."""
    if value is None:
        return None
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        child = field.child
    elif isinstance(field, serializers.ManyRelatedField):
        child = field.child_relation
    elif isinstance(field, serializers.DictField):
        if not isinstance(value, Mapping):
            return None
        nested = {key: _type_errors(field.child, item) for key, item in value.items()}
        return {key: errors for key, errors in nested.items() if errors} or None
    elif isinstance(field, serializers.Serializer):
        return json_type_errors(field, value) or None
    else:
        expected = _expected_types(field)
        if not expected or any(_CHECKS[name](value) for name in expected):
            return None
        if len(expected) == 1:
            return [_MESSAGES[expected[0]]]
        return [field.error_messages["invalid"]]
    if not isinstance(value, list):
        return None
    items = {index: _type_errors(child, item) for index, item in enumerate(value)}
    return {index: errors for index, errors in items.items() if errors} or None


def json_type_errors(serializer: serializers.Serializer[Any], data: Any) -> dict[str, Any]:
    """Field name -> messages for the values in `data` of a JSON type the field does not
    read (a number for a string, a string for a boolean...), nested as DRF nests errors."""
    if not isinstance(data, Mapping):
        return {}
    errors: dict[str, Any] = {}
    for field in serializer._writable_fields:
        name = field.field_name
        if name is not None and name in data:
            messages = _type_errors(field, data[name])
            if messages:
                errors[name] = messages
    return errors


class BodySerializer(serializers.Serializer[Any]):
    """The base of every JSON request body's serializer: each value must have the JSON type
    the schema gives it, in nested objects and lists too.

    DRF coerces: 63 passes as "63" for a CharField and "true" or 1 as True for a
    BooleanField, so the API accepted bodies its own schema calls invalid. A field that
    reads several JSON types lists them in `json_types` (IdOrSlugField). Query parameters
    are strings by nature and keep using plain serializers. core.openapi warns about a JSON
    body read by anything else.
    """

    def to_internal_value(self, data: Any) -> Any:
        errors = json_type_errors(self, data)
        if errors:
            raise ValidationError(errors)
        return super().to_internal_value(data)
