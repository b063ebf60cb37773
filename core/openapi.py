"""The OpenAPI schema tells the truth about errors, for every API view, without each view
saying so.

drf-spectacular documents the success response a view declares and nothing else, so the
schema promised 200 where the API also answers 400, 401, 403, 404, 409 and 429. AutoSchema
(REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to every operation the errors it can answer,
decided from what the operation is:

- 400 when it reads input (query parameters or a body) or writes (a business rule can refuse);
- 401 when it authenticates: required credentials are missing, or the ones sent are invalid;
- 403 when it writes (a permission or business rule refuses; a session call without CSRF),
  or its view has a permission beyond "signed in?" (staff only, say);
- 404 when its path names something, or it pages by number (a page past the last);
- 409 when it writes (the request conflicts with the current state);
- 414 when it reads query parameters (the web server's limit on a URL; no body promised);
- 415 when it reads a body (a Content-Type it does not read);
- 429 when the view is throttled.

A view's own declaration of a status wins. Error bodies have two shapes, the components
`Error` (400, 403, 409: field messages, `detail` and/or a stable `code`, as
config.exceptions renders them) and `ErrorDetail` (the rest: `detail`, sometimes `code`).

It also keeps promises drf-spectacular cannot see: a read-only choice field copied from a
model column that may be blank documents "" among its values (DRF drops `allow_blank` from
read-only fields); core.api.IdOrSlugField is an integer or a string; and every JSON request
body is read by a core.api.BodySerializer (a warning otherwise, which `spectacular
--fail-on-warn` and the test suite turn into a failure).
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import permissions, serializers

from core.api import BodySerializer, IdOrSlugField

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Permissions that only ask "signed in?" (401); any other may refuse a signed-in caller (403).
SIGNED_IN_PERMISSIONS = frozenset(
    {permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly}
)

FIELD_MESSAGES: dict[str, Any] = {
    "description": "Messages about one input field, under its name: a list of strings, or an "
    "object of the same shape for a nested field or a list's items (keyed by index).",
    "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Why the request was refused. Input errors name their field (`non_field_errors` "
    "for the input as a whole); a refusal that is about no one field has `detail`; a business "
    "rule's refusal adds its stable `code` (e.g. `thread_locked`).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words for people."},
        "code": {"type": "string", "description": "A stable code for a business rule's refusal."},
    },
    "additionalProperties": FIELD_MESSAGES,
}

ERROR_DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Why the request was refused, in words for people.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable code, where there is one."},
    },
    "required": ["detail"],
    "additionalProperties": False,
}


def _documented_errors(
    *, method: str, operation: dict[str, Any], throttled: bool, refuses_members: bool
) -> dict[str, tuple[str, str]]:
    """Status -> (component, description) for the errors this operation can answer; no
    component when the body is not ours to promise.

    `refuses_members`: the view has a permission beyond "signed in?" (staff only, say).
    """
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p.get("in") == "query"}
    has_path = any(p.get("in") == "path" for p in parameters)
    has_body = "requestBody" in operation
    writes = method in WRITE_METHODS
    security = operation.get("security", [])
    anonymous_allowed = {} in security

    errors: dict[str, tuple[str, str]] = {}
    if query or has_body or writes:
        errors["400"] = (
            "Error",
            "The input is invalid (messages under each field's name), or a business rule "
            "refused the request (`code` names it).",
        )
    if any(security):
        errors["401"] = (
            "ErrorDetail",
            "The token sent is invalid (send none to read as a visitor)."
            if anonymous_allowed
            else "Not signed in: send `Authorization: Token <key>`; or the token sent is invalid.",
        )
    if writes or refuses_members:
        errors["403"] = (
            "Error",
            "Signed in, but not allowed to do this (`code` names the rule), or a session "
            "request without its CSRF token.",
        )
    if has_path or "page" in query:
        errors["404"] = (
            "ErrorDetail",
            "Nothing by that id or name that you may see (missing and hidden look the same)"
            + (", or a page past the last." if "page" in query else "."),
        )
    if writes:
        errors["409"] = (
            "Error",
            "The request conflicts with the current state (already done, taken, locked); "
            "`code` names it.",
        )
    if query:
        # gunicorn (and any proxy in front) refuses a request line over ~4 KB, in HTML.
        errors["414"] = ("", "The URL is longer than the web server reads (about 4 KB).")
    if has_body:
        errors["415"] = ("ErrorDetail", "The body's Content-Type is not one this operation reads.")
    if throttled:
        errors["429"] = ("ErrorDetail", "Too many requests: wait the seconds in `Retry-After`.")
    return errors


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, plus the errors each operation can answer."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        self._check_body_serializer(operation)
        refs = {
            "Error": self._component("Error", ERROR_SCHEMA),
            "ErrorDetail": self._component("ErrorDetail", ERROR_DETAIL_SCHEMA),
        }
        errors = _documented_errors(
            method=self.method,
            operation=operation,
            throttled=bool(self.view.get_throttles()),
            refuses_members=any(
                type(permission) not in SIGNED_IN_PERMISSIONS
                for permission in self.view.get_permissions()
            ),
        )
        responses = operation["responses"]
        for status, (component, description) in errors.items():
            response: dict[str, Any] = {"description": description}
            if component:
                response["content"] = {"application/json": {"schema": refs[component]}}
            responses.setdefault(status, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]  # unannotated upstream
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        ref: dict[str, str] = component.ref
        return ref

    def _check_body_serializer(self, operation: dict[str, Any]) -> None:
        if "application/json" not in operation.get("requestBody", {}).get("content", {}):
            return
        declared: Any = self.get_request_serializer()
        if isinstance(declared, dict):  # request={"application/json": Serializer, ...}
            declared = declared.get("application/json")
        serializer = force_instance(declared)  # type: ignore[no-untyped-call]  # unannotated upstream
        if not isinstance(serializer, BodySerializer):
            warn(
                f"{self.method} {self.path}: the JSON body's serializer "
                f"{type(serializer).__name__} does not derive from core.api.BodySerializer, "
                'so DRF would accept 63 for a string and "true" for a boolean.'
            )

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        if _is_blank_model_choice(field):
            field = copy.copy(field)  # shallow: keeps its name and parent, leaves DRF's alone
            field.allow_blank = True
        return super()._map_serializer_field(  # type: ignore[no-untyped-call]  # unannotated upstream
            field, direction, bypass_extensions
        )


class IdOrSlugFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]  # registers itself; unannotated upstream
    """core.api.IdOrSlugField: an id (integer) or a slug (string)."""

    target_class = IdOrSlugField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        slug: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.target.max_length is not None:
            slug["maxLength"] = self.target.max_length
        return {"oneOf": [{"type": "integer", "minimum": 1}, slug]}


def _is_blank_model_choice(field: Any) -> bool:
    """A read-only choice field of a ModelSerializer whose column may hold ""."""
    if not (
        isinstance(field, serializers.ChoiceField)
        and field.read_only
        and not field.allow_blank
        and isinstance(field.parent, serializers.ModelSerializer)
        and field.source
    ):
        return False
    model: type[models.Model] = field.parent.Meta.model
    try:
        column = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return bool(getattr(column, "blank", False))
