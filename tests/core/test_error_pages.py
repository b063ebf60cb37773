"""Error bodies: inside API views (config.exceptions), and outside any view (JSON under
/api/, the HTML pages elsewhere)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from config.exceptions import api_exception_handler
from core import views
from core.exceptions import ConflictError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/threads/abc/", "/api/v2/", "/api/nothing"])
def test_an_api_url_no_route_matches_is_a_json_404(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_url_no_route_matches_is_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


RESPONDERS = {
    400: lambda request: views.bad_request(request, Exception("Too many fields")),
    500: views.server_error,
}


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, {"detail": "Bad request."}), (500, {"detail": "A server error occurred."})],
)
def test_api_requests_django_refuses_or_that_crash_get_json(status, body):
    request = RequestFactory().get("/api/v1/me/")

    response = RESPONDERS[status](request)

    assert (response.status_code, response["Content-Type"]) == (status, "application/json")
    assert json.loads(response.content) == body


@pytest.mark.parametrize("status", [400, 500])
def test_pages_django_refuses_or_that_crash_get_html(status):
    request = RequestFactory().get("/threads/")

    response = RESPONDERS[status](request)

    assert (response.status_code, response["Content-Type"]) == (status, "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            ValidationError("Give both a month and a day, or neither."),
            400,
            {"non_field_errors": ["Give both a month and a day, or neither."]},
        ),
        (
            ValidationError({"birthday_day": ["That day does not exist in that month."]}),
            400,
            {"birthday_day": ["That day does not exist in that month."]},
        ),
        (
            ConflictError("Already taken.", field="handle"),
            409,
            {"handle": ["Already taken."], "code": "conflict"},
        ),
        (ConflictError("Already done."), 409, {"detail": "Already done.", "code": "conflict"}),
    ],
)
def test_api_error_bodies_put_messages_under_a_field_or_in_a_string_detail(error, status, body):
    response = api_exception_handler(error, {})

    assert (response.status_code, response.data) == (status, body)
