"""The API documentation page: Hearth's OpenAPI schema read into a plain reference.

The page at /api/docs/ is rendered on the server from the same schema /api/schema/ serves
(so it cannot drift from it), in Hearth's layout and theme, with no script: every operation
with its parameters, its body's fields and the answers it can give. The schema is built once
per process (it changes only with the code).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe

METHODS = ("get", "post", "put", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> SafeString:
    """Escaped text with `code` spans, one paragraph per blank-line-separated block."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    paragraphs = []
    for block in blocks:
        escaped = html.escape(" ".join(block.split()))
        paragraphs.append(_CODE.sub(r"<code>\1</code>", escaped))
    return mark_safe("<br>".join(paragraphs))  # noqa: S308  # escaped above


@dataclass(frozen=True)
class ApiField:
    name: str
    type: str
    required: bool
    description: SafeString


@dataclass(frozen=True)
class ApiResponse:
    status: str
    description: SafeString
    body: str


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str
    anchor: str
    description: SafeString
    signed_in: bool
    parameters: list[ApiField]
    body: list[ApiField]
    body_name: str
    responses: list[ApiResponse]


@dataclass(frozen=True)
class ApiSection:
    name: str
    anchor: str
    operations: list[ApiOperation]


@dataclass(frozen=True)
class ApiReference:
    title: str
    version: str
    description: SafeString
    sections: list[ApiSection]
    operation_count: int


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return _ref_name(schema)
    if schema.get("allOf"):
        return _type_of(schema["allOf"][0])
    if "oneOf" in schema:
        return " or ".join(_type_of(option) for option in schema["oneOf"])
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += ", or null"
    return kind


def _description(schema: dict[str, Any], fallback: str = "") -> str:
    text = str(schema.get("description") or fallback)
    # drf-spectacular appends "* `a` - a" lines for enums; the type column lists the values.
    return "\n".join(line for line in text.splitlines() if not line.startswith("* `")).strip()


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[ApiField]:
    resolved = components.get(_ref_name(schema), {}) if "$ref" in schema else schema
    required = set(resolved.get("required", []))
    return [
        ApiField(
            name=name,
            type=_type_of(field),
            required=name in required,
            description=_inline(_description(field)),
        )
        for name, field in resolved.get("properties", {}).items()
        if not field.get("readOnly")
    ]


def _operation(
    method: str, path: str, spec: dict[str, Any], components: dict[str, Any]
) -> ApiOperation:
    parameters = [
        ApiField(
            name=f"{param['name']} ({param['in']})",
            type=_type_of(param.get("schema", {})),
            required=bool(param.get("required")),
            description=_inline(_description(param)),
        )
        for param in spec.get("parameters", [])
    ]
    body_schema = (
        spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    )
    responses = []
    for status, answer in spec.get("responses", {}).items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        responses.append(
            ApiResponse(
                status=str(status),
                description=_inline(answer.get("description") or "Success."),
                body=_type_of(schema) if schema else "",
            )
        )
    security = spec.get("security", [])
    return ApiOperation(
        method=method.upper(),
        path=path,
        anchor=str(spec.get("operationId", f"{method}-{path}")).replace("_", "-"),
        description=_inline(spec.get("description", "")),
        signed_in=bool(security) and {} not in security,
        parameters=parameters,
        body=_fields(body_schema, components) if body_schema else [],
        body_name=_type_of(body_schema) if body_schema else "",
        responses=responses,
    )


def build_reference(schema: dict[str, Any]) -> ApiReference:
    """The reference for an OpenAPI document (a dict), grouped by tag, in path order."""
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, list[ApiOperation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                spec = item[method]
                tag = (spec.get("tags") or ["other"])[0]
                sections.setdefault(tag, []).append(_operation(method, path, spec, components))
    info = schema.get("info", {})
    return ApiReference(
        title=str(info.get("title", "API")),
        version=str(info.get("version", "")),
        description=_inline(info.get("description", "")),
        sections=[
            ApiSection(
                name=name.replace("-", " ").capitalize(), anchor=f"tag-{name}", operations=ops
            )
            for name, ops in sections.items()
        ],
        operation_count=sum(len(ops) for ops in sections.values()),
    )


@lru_cache(maxsize=1)
def get_api_reference() -> ApiReference:
    """The reference for Hearth's own API (built once per process)."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()  # type: ignore[no-untyped-call]  # drf-spectacular is untyped
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]  # drf-spectacular is untyped
    return build_reference(schema)
