import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.core.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def test_outbox_is_for_staff_only(client, member):
    client.force_login(member)

    response = client.get(reverse("core:outbox"))

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/staff/outbox/"


def test_staff_reads_the_list_of_sent_messages(client, staff):
    DeliveryFactory(subject="Confirm your email", to_email="ada@example.com")
    DeliveryFactory(subject="Reset your password", to_email="bob@example.com")
    client.force_login(staff)

    response = client.get(reverse("core:outbox"))

    assert response.status_code == 200
    assert [d.subject for d in response.context["page"]] == [
        "Reset your password",
        "Confirm your email",
    ]


@pytest.mark.parametrize("messages", [1, 31])
def test_outbox_list_query_count_does_not_grow_with_messages(
    client, staff, django_assert_num_queries, messages
):
    DeliveryFactory.create_batch(messages)
    client.force_login(staff)

    cache.clear()  # the cold cost: nothing cached
    # session, user, the count, the page of messages, the header's unread count and banner
    with django_assert_num_queries(6):
        response = client.get(reverse("core:outbox"))

    assert len(response.context["page"]) == messages


def test_staff_reads_a_message_body_in_the_embedded_default(client, staff, settings):
    settings.EMAIL_OUTBOX_SHOWS_BODIES = True
    delivery = DeliveryFactory(text_body="Your link: https://x.test/confirm/abc")
    client.force_login(staff)

    response = client.get(reverse("core:outbox-detail", args=[delivery.pk]))

    assert response.status_code == 200
    assert b"https://x.test/confirm/abc" in response.content


def test_message_bodies_stay_hidden_when_mail_leaves_the_machine(client, staff, settings):
    settings.EMAIL_OUTBOX_SHOWS_BODIES = False
    delivery = DeliveryFactory(text_body="Your link: https://x.test/reset/secret")
    client.force_login(staff)

    response = client.get(reverse("core:outbox-detail", args=[delivery.pk]))

    assert response.status_code == 200
    assert b"https://x.test/reset/secret" not in response.content


def test_unknown_message_is_404(client, staff):
    client.force_login(staff)

    response = client.get(reverse("core:outbox-detail", args=[424242]))

    assert response.status_code == 404


def test_outbox_shows_the_html_body_escaped_in_a_sandboxed_frame(client, staff, settings):
    settings.EMAIL_OUTBOX_SHOWS_BODIES = True
    delivery = DeliveryFactory(html_body='<p class="x">Hi</p><script>alert(1)</script>')
    client.force_login(staff)

    content = client.get(reverse("core:outbox-detail", args=[delivery.pk])).content.decode()

    assert (
        '<iframe class="email-preview" title="HTML version of the email" sandbox srcdoc="'
        "&lt;p class=&quot;x&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        '"></iframe>'
    ) in content
    assert "<script>alert(1)" not in content
