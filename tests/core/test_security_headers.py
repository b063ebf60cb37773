"""Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy on every
response, templates that keep to the policy, and the endpoint that logs violation reports."""

import base64
import hashlib
import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core import violation_reports

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
REPORT_URL = "/csp-report/"

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "script-src-attr": "'none'",
    "style-src": f"'self' {settings.ERROR_PAGE_STYLE_HASH}",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "report-uri": REPORT_URL,
    "report-to": "csp",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


HTML_PAGES = [
    "/",
    "/forum/",
    "/forum/categories/",
    "/forum/search/?q=x",
    "/members/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/admin/login/",
    "/api/docs/",
    "/u/nobody_here/",
    "/no-such-page/",
]
MEMBER_PAGES = [
    "/forum/new/",
    "/forum/for-you/",
    "/settings/profile/",
    "/settings/notifications/",
    "/settings/privacy/",
    "/settings/api-token/",
    "/welcome/",
    "/accounts/email/",
    "/accounts/password/change/",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_page_carries_the_enforced_policy_for_visitors(client, path):
    response = client.get(path)

    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert directives(response["Content-Security-Policy"]) == EXPECTED_POLICY
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_every_member_page_carries_the_enforced_policy(client, member, path):
    client.force_login(member)

    response = client.get(path)

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == EXPECTED_POLICY


def test_the_api_docs_page_has_no_inline_script_or_style(client):
    content = client.get("/api/docs/").content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
    assert "<style" not in content
    assert " style=" not in content


def test_github_sign_in_is_a_form_action_only_when_configured(settings):
    form_action = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]

    assert form_action == [
        "'self'",
        *(["https://github.com"] if settings.GITHUB_LOGIN_ENABLED else []),
    ]


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/threads/", "/healthz", "/static/css/hearth.css", "/no-such-page/"]
)
def test_every_response_carries_permissions_and_resource_policies(client, path):
    response = client.get(path)

    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Reporting-Endpoints"] == f'csp="{REPORT_URL}"'
    assert response["Permissions-Policy"].startswith("accelerometer=(), autoplay=(), ")
    assert "camera=()" in response["Permissions-Policy"].split(", ")
    assert "geolocation=()" in response["Permissions-Policy"].split(", ")
    assert "microphone=()" in response["Permissions-Policy"].split(", ")


def test_an_uploaded_file_is_not_embeddable_by_other_sites(client, settings):
    avatar = Path(settings.MEDIA_ROOT) / "avatars" / "1" / "a.webp"
    avatar.parent.mkdir(parents=True)
    avatar.write_bytes(b"RIFF")

    response = client.get("/media/avatars/1/a.webp")

    assert response.status_code == 200
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_error_page_style_hash_matches_the_500_template():
    style = re.search(r"<style>(.*?)</style>", (TEMPLATES / "500.html").read_text(), re.S)
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()

    assert f"'sha256-{digest}'" == settings.ERROR_PAGE_STYLE_HASH


def template_files() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.relative_to(TEMPLATES).parts  # mail clients, not browsers
    )


def test_no_template_holds_inline_script_event_handlers_or_javascript_urls():
    offences = []
    for path in template_files():
        text = path.read_text()
        offences += [(path.name, m) for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
        offences += [(path.name, m) for m in re.findall(r"\son[a-z]+\s*=", text)]
        offences += [(path.name, m) for m in re.findall(r"javascript:", text, re.IGNORECASE)]

    assert offences == []
    assert len(template_files()) > 50  # the scan really read the templates


def test_style_elements_are_only_in_the_hashed_error_page():
    with_style = [p.name for p in template_files() if "<style" in p.read_text()]

    assert with_style == ["500.html"]


# --- The report endpoint ----------------------------------------------------------------------

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://hearth.example/forum/",
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
        "source-file": "https://hearth.example/forum/",
        "line-number": 12,
        "disposition": "enforce",
    }
}
REPORTING_API_BODY = [
    {
        "type": "csp-violation",
        "url": "https://hearth.example/members/",
        "body": {
            "documentURL": "https://hearth.example/members/",
            "effectiveDirective": "img-src",
            "blockedURL": "https://tracker.example/p.png",
            "sourceFile": None,
            "lineNumber": 0,
            "disposition": "enforce",
            "sample": "",
        },
    },
    {"type": "deprecation", "url": "https://hearth.example/", "body": {"id": "x"}},
]


def csp_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hearth.csp"]


@pytest.fixture
def strict_client():
    """A client that enforces CSRF, as browsers posting reports would meet it."""
    return Client(enforce_csrf_checks=True)


def test_a_report_uri_report_is_logged(strict_client, caplog):
    caplog.set_level(logging.WARNING, logger="hearth.csp")

    response = strict_client.post(
        REPORT_URL, json.dumps(REPORT_URI_BODY), content_type="application/csp-report"
    )

    assert response.status_code == 204
    assert csp_logs(caplog) == [
        "CSP violation: directive=script-src-elem blocked=inline "
        "document=https://hearth.example/forum/ source=https://hearth.example/forum/ line=12 "
        "disposition=enforce sample="
    ]


def test_reporting_api_reports_are_logged_and_other_report_types_skipped(strict_client, caplog):
    caplog.set_level(logging.WARNING, logger="hearth.csp")

    response = strict_client.post(
        REPORT_URL, json.dumps(REPORTING_API_BODY), content_type="application/reports+json"
    )

    assert response.status_code == 204
    assert csp_logs(caplog) == [
        "CSP violation: directive=img-src blocked=https://tracker.example/p.png "
        "document=https://hearth.example/members/ source= line=0 disposition=enforce sample="
    ]


def test_report_fields_are_cut_short_and_stripped_of_control_characters(strict_client, caplog):
    caplog.set_level(logging.WARNING, logger="hearth.csp")
    body = {"csp-report": {"blocked-uri": "x\r\nFAKE LOG LINE" + "y" * 1000}}

    strict_client.post(REPORT_URL, json.dumps(body), content_type="application/csp-report")

    (logged,) = csp_logs(caplog)
    blocked = logged.split("blocked=", 1)[1].split(" document=", 1)[0]
    assert blocked == ("xFAKE LOG LINE" + "y" * 1000)[:300]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{not json",
            "The body is not valid JSON: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (b"[" * 20_000, "The JSON body is nested more than 64 levels deep."),
        (b'{"something": "else"}', "The body is not a CSP violation report."),
        (b"", "The body is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    ],
)
def test_a_body_that_is_not_a_report_is_a_400_and_logs_nothing(
    strict_client, caplog, body, message
):
    caplog.set_level(logging.WARNING, logger="hearth.csp")

    response = strict_client.post(REPORT_URL, body, content_type="application/csp-report")

    assert response.status_code == 400
    assert response.content.decode() == message
    assert csp_logs(caplog) == []


def test_an_oversized_report_is_refused_unread(strict_client, caplog):
    caplog.set_level(logging.WARNING, logger="hearth.csp")
    body = json.dumps({"csp-report": {"blocked-uri": "x" * violation_reports.MAX_REPORT_BYTES}})

    response = strict_client.post(REPORT_URL, body, content_type="application/csp-report")

    assert response.status_code == 413
    assert csp_logs(caplog) == []


def test_a_client_sending_too_many_reports_is_limited(strict_client, caplog):
    caplog.set_level(logging.WARNING, logger="hearth.csp")
    body = json.dumps(REPORT_URI_BODY)

    statuses = [
        strict_client.post(REPORT_URL, body, content_type="application/csp-report").status_code
        for _ in range(violation_reports.REPORTS_PER_MINUTE + 2)
    ]

    assert statuses == [204] * violation_reports.REPORTS_PER_MINUTE + [429, 429]
    assert len(csp_logs(caplog)) == violation_reports.REPORTS_PER_MINUTE


def test_the_report_endpoint_only_takes_posts(client):
    assert client.get(REPORT_URL).status_code == 405
    assert reverse("core:csp-report") == REPORT_URL
