"""/api/v1/categories/: what the viewer may see, and watching a category."""

import pytest

from community.models import Subscription

pytestmark = pytest.mark.django_db


def test_categories_list_what_the_viewer_may_see_with_their_fields(api, help_desk, vip_room, vip):
    api.force_authenticate(vip)

    response = api.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": help_desk.pk,
            "slug": "help",
            "name": "Help",
            "description": "Ask anything.",
            "colour": "#b45309",
            "access": "public",
            "minimum_tier": None,
            "thread_count": 0,
        },
        {
            "id": vip_room.pk,
            "slug": "vip",
            "name": "VIP room",
            "description": "",
            "colour": "#b45309",
            "access": "tier",
            "minimum_tier": vip_room.minimum_tier.slug,
            "thread_count": 0,
        },
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("", ["A valid integer is required."]),
        ("last", ["A valid integer is required."]),
        ("0", ["Ensure this value is greater than or equal to 1."]),
    ],
)
def test_a_malformed_page_number_is_a_400_naming_page(api, help_desk, page, expected):
    response = api.get("/api/v1/categories/", {"page": page})

    assert response.status_code == 400
    assert response.json() == {"page": expected}


def test_a_page_past_the_last_is_a_404(api, help_desk):
    response = api.get("/api/v1/categories/", {"page": 2})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_member_watches_a_category(api, help_desk, member):
    api.force_authenticate(member)

    response = api.post("/api/v1/categories/help/watch/")

    assert response.status_code == 200
    assert response.json() == {"is_watching": True}
    assert Subscription.objects.filter(member=member, category=help_desk).count() == 1


def test_member_stops_watching_a_category(api, help_desk, member):
    api.force_authenticate(member)
    api.post("/api/v1/categories/help/watch/")

    response = api.delete("/api/v1/categories/help/watch/")

    assert response.status_code == 204
    assert Subscription.objects.filter(member=member).count() == 0
