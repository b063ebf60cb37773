"""/api/v1/me/: the signed-in member's own account, token authentication, the schema and
throttling."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_me_refuses_a_visitor(api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_returns_the_signed_in_members_account_and_profile(api, member):
    api.force_authenticate(member)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == member.pk
    assert body["handle"] == "member"
    assert body["email"] == "member@example.com"
    assert body["display_name"] == member.display_name
    assert body["date_joined"] == member.date_joined.isoformat().replace("+00:00", "Z")
    assert body["time_zone"] == "UTC"
    assert body["is_staff"] is False
    assert body["onboarded"] is True


def test_me_accepts_token_authentication(api, member):
    token = Token.objects.create(user=member)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["handle"] == "member"


def test_me_rejects_a_wrong_token(api, member):
    Token.objects.create(user=member)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_me_rejects_a_deactivated_members_token(api, deactivated):
    token = Token.objects.create(user=deactivated)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_member_updates_own_display_name(api, member):
    api.force_authenticate(member)

    response = api.patch("/api/v1/me/", {"display_name": "  Ada L.  "})

    assert response.status_code == 200
    assert response.json()["display_name"] == "Ada L."
    member.refresh_from_db()
    assert member.display_name == "Ada L."


def test_too_long_display_name_gets_a_field_message_and_changes_nothing(api, member):
    api.force_authenticate(member)
    before = member.display_name

    response = api.patch("/api/v1/me/", {"display_name": "x" * 81})

    assert response.status_code == 400
    assert response.json() == {
        "display_name": ["Ensure this field has no more than 80 characters."]
    }
    member.refresh_from_db()
    assert member.display_name == before


def test_openapi_schema_describes_me(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.0.3"
    assert sorted(schema["paths"]["/api/v1/me/"]) == ["get", "patch"]
    assert sorted(schema["components"]["securitySchemes"]) == ["cookieAuth", "tokenAuth"]


def test_api_docs_page_is_hearths_own_reference_of_every_operation(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = sum(
        method in item
        for item in schema["paths"].values()
        for method in ("get", "post", "put", "patch", "delete")
    )

    response = client.get("/api/docs/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Hearth API</h1>" in content
    assert '<a class="brand" href="/">' in content  # the way back to the site
    assert content.count('class="card api-operation"') == operations
    assert '<h3 id="search-list" class="api-operation-title">' in content
    assert "<code>show (query)</code>" in content
    assert 'href="/api/schema/"' in content
    assert "cdn.jsdelivr" not in content


def test_api_calls_beyond_the_rate_are_throttled(api, member, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "2/min")
    api.force_authenticate(member)

    statuses = [api.get("/api/v1/me/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


# --- Request bodies are JSON of the schema's types ------------------------------------------------


def test_notification_preferences_refuse_a_nested_value_of_the_wrong_type(api, member):
    api.force_authenticate(member)

    response = api.put(
        "/api/v1/me/notification-preferences/",
        {"digest": {"frequency": "daily", "weekday": "1"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"digest": {"weekday": ["A valid integer is required."]}}
    member.refresh_from_db()
    assert (member.digest_frequency, member.digest_weekday) == ("weekly", 0)


def test_notification_preferences_in_a_form_are_a_415_and_change_nothing(api, member):
    # A form cannot carry the nested object: DRF read it as absent and answered 200.
    api.force_authenticate(member)

    response = api.put(
        "/api/v1/me/notification-preferences/",
        {"digest": '{"frequency": "daily"}'},
        format="multipart",
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "multipart/form-data; boundary=BoUnDaRyStRiNg; '
        'charset=utf-8" in request.'
    }
    member.refresh_from_db()
    assert (member.digest_frequency, member.digest_weekday) == ("weekly", 0)
