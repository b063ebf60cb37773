import pytest
from django.core.cache import cache
from django.urls import reverse

from core.services import email_problem_cache_key
from members.notifications.services import unread_cache_key
from tests.core.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def test_outbox_is_for_staff_only(client, member):
    client.force_login(member)

    response = client.get(reverse("core:outbox"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


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


def test_outbox_list_query_count_does_not_grow_with_messages(
    client, staff, django_assert_num_queries
):
    client.force_login(staff)
    DeliveryFactory()
    # user, count, page of messages, the bell, the email banner (the session is cached)
    with django_assert_num_queries(5):
        client.get(reverse("core:outbox"))
    DeliveryFactory.create_batch(30)
    cache.delete_many([unread_cache_key(staff.pk), email_problem_cache_key(staff.email)])

    with django_assert_num_queries(5):
        client.get(reverse("core:outbox"))


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
