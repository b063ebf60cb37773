"""The API token settings page."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_api_token_page_needs_a_signed_in_member(client):
    response = client.get(reverse("members:api-token"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_creates_an_api_token_and_sees_it_once(client, member):
    client.force_login(member)

    created = client.post(reverse("members:api-token"))
    later = client.get(reverse("members:api-token"))

    key = Token.objects.get(user=member).key
    assert (created.status_code, later.status_code) == (200, 200)
    assert key.encode() in created.content
    assert key.encode() not in later.content
    assert later.context["has_token"] is True


def test_rotating_the_token_retires_the_old_one(client, member):
    client.force_login(member)
    client.post(reverse("members:api-token"))
    old_key = Token.objects.get(user=member).key

    client.post(reverse("members:api-token"))

    assert Token.objects.filter(user=member).count() == 1
    assert not Token.objects.filter(key=old_key).exists()


def test_member_revokes_the_token(client, member):
    client.force_login(member)
    client.post(reverse("members:api-token"))

    response = client.post(reverse("members:api-token"), {"action": "revoke"})

    assert response.status_code == 302
    assert not Token.objects.filter(user=member).exists()
