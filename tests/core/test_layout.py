"""The site layout: the header for members and staff, and the error pages."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

pytestmark = pytest.mark.django_db

LAYOUT_MARK = '<main id="main"'


def test_header_shows_the_member_and_a_post_sign_out_when_signed_in(client, member):
    client.force_login(member)

    content = client.get(reverse("core:home")).content.decode()

    header = content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert member.name in header
    assert f'<form method="post" action="{reverse("account_logout")}">' in header


@pytest.mark.parametrize(("persona", "offered"), [("member", False), ("staff", True)])
def test_header_offers_the_outbox_to_staff_only(request, client, persona, offered):
    client.force_login(request.getfixturevalue(persona))

    content = client.get(reverse("core:home")).content.decode()

    header = content.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert (f'href="{reverse("core:outbox")}"' in header) is offered


def test_server_error_page_renders_without_a_request_or_context():
    html = get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html


def test_missing_page_renders_in_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert LAYOUT_MARK in response.content.decode()
