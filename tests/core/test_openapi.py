"""The OpenAPI schema (core.openapi): valid, warning-free, and true about errors."""

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.openapi import ERROR_DETAIL_SCHEMA, ERROR_SCHEMA


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_and_generates_without_a_warning(tmp_path):
    GENERATOR_STATS.reset()  # warnings are counted process-wide; count this run's only

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")

    assert (tmp_path / "s.yaml").read_text().startswith("openapi: 3.0.3\n")


@pytest.mark.parametrize(
    ("method", "route", "statuses"),
    [
        ("get", "/api/v1/me/", ["200", "401", "429"]),
        ("get", "/api/v1/members/{handle}/", ["200", "401", "404", "429"]),
        ("get", "/api/v1/categories/", ["200", "400", "401", "404", "414", "429"]),
        ("get", "/api/v1/threads/", ["200", "400", "401", "414", "429"]),
        ("post", "/api/v1/threads/", ["201", "400", "401", "403", "409", "415", "429"]),
        (
            "post",
            "/api/v1/posts/{post_id}/reactions/{kind}/",
            ["200", "201", "400", "401", "403", "404", "409", "429"],
        ),
        ("delete", "/api/v1/me/avatar/", ["204", "400", "401", "403", "409", "429"]),
    ],
)
def test_each_operation_documents_the_errors_it_can_answer(schema, method, route, statuses):
    assert sorted(schema["paths"][route][method]["responses"]) == statuses


def test_401_says_whether_a_visitor_may_call_the_operation(schema):
    public = schema["paths"]["/api/v1/threads/"]["get"]["responses"]["401"]
    private = schema["paths"]["/api/v1/threads/"]["post"]["responses"]["401"]

    assert public["description"] == "The token sent is invalid (send none to read as a visitor)."
    assert private["description"] == (
        "Not signed in: send `Authorization: Token <key>`; or the token sent is invalid."
    )


def test_error_bodies_are_two_components(schema):
    responses = schema["paths"]["/api/v1/threads/{thread_id}/posts/"]["post"]["responses"]
    shapes = {
        status: response["content"]["application/json"]["schema"]["$ref"]
        for status, response in responses.items()
        if status >= "400"
    }

    assert shapes == {
        "400": "#/components/schemas/Error",
        "401": "#/components/schemas/ErrorDetail",
        "403": "#/components/schemas/Error",
        "404": "#/components/schemas/ErrorDetail",
        "409": "#/components/schemas/Error",
        "415": "#/components/schemas/ErrorDetail",
        "429": "#/components/schemas/ErrorDetail",
    }
    assert schema["components"]["schemas"]["Error"] == ERROR_SCHEMA
    assert schema["components"]["schemas"]["ErrorDetail"] == ERROR_DETAIL_SCHEMA


def test_a_model_choice_that_may_be_blank_documents_the_empty_value(schema):
    components = schema["components"]["schemas"]

    assert components["MemberOutput"]["properties"]["skill_level"]["oneOf"] == [
        {"$ref": "#/components/schemas/SkillLevelEnum"},
        {"$ref": "#/components/schemas/BlankEnum"},
    ]
    assert components["BlankEnum"] == {"enum": [""]}


def test_a_patch_body_requires_what_its_serializer_requires(schema):
    body = schema["paths"]["/api/v1/posts/{post_id}/"]["patch"]["requestBody"]

    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PostUpdateRequest"
    }
    assert schema["components"]["schemas"]["PostUpdateRequest"]["required"] == ["body"]


def test_a_category_named_by_id_or_slug_is_an_integer_or_a_string(schema):
    fields = schema["components"]["schemas"]["ThreadCreateRequest"]["properties"]

    assert fields["category"] == {
        "oneOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "minLength": 1, "maxLength": 60},
        ],
        "description": "A category id or slug.",
        "minLength": 1,  # drf-spectacular's for any non-blank CharField; strings only
    }


def test_request_bodies_are_json_except_the_avatar_upload(schema):
    media_types = {
        (method.upper(), route): sorted(operation["requestBody"]["content"])
        for route, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }

    assert media_types.pop(("PUT", "/api/v1/me/avatar/")) == ["multipart/form-data"]
    assert set(map(tuple, media_types.values())) == {("application/json",)}


def test_the_page_number_of_a_paginated_list_starts_at_one(schema):
    [page] = schema["paths"]["/api/v1/categories/"]["get"]["parameters"]

    assert page["schema"] == {"type": "integer", "minimum": 1}


# --- Rules for views other apps add ------------------------------------------------------------


class PlainBodyApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField()

    @extend_schema(operation_id="plain_create", request=InputSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        return Response(status=204)


class StaffReportApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(operation_id="staff_report", responses={204: None})
    def get(self, request: Request) -> Response:
        return Response(status=204)


def schema_and_warnings(view):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        generated = SchemaGenerator(patterns=[path("api/v1/x/", view.as_view())]).get_schema(
            request=None, public=True
        )
    return generated, [message.rpartition("]: ")[2] for message in GENERATOR_STATS._warn_cache]


def test_a_json_body_read_by_a_plain_serializer_is_a_schema_warning():
    _, warnings = schema_and_warnings(PlainBodyApi)

    assert warnings == [
        "POST /api/v1/x/: the JSON body's serializer InputSerializer does not derive from "
        'core.api.BodySerializer, so DRF would accept 63 for a string and "true" for a boolean.'
    ]


def test_a_read_behind_a_permission_beyond_signing_in_documents_403():
    generated, warnings = schema_and_warnings(StaffReportApi)

    assert sorted(generated["paths"]["/api/v1/x/"]["get"]["responses"]) == [
        "204",
        "401",
        "403",
        "429",
    ]
    assert warnings == []
