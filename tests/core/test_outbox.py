import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import Delivery
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
    # session, user, the count, the page of messages, the kinds for the filter, the
    # header's unread count and banner
    with django_assert_num_queries(7):
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


@pytest.fixture
def mixed_outbox():
    DeliveryFactory(to_email="ada@example.com", kind="account.confirm", subject="Confirm")
    DeliveryFactory(
        to_email="ada@example.com", kind="member:reply", subject="A reply", status="failed"
    )
    DeliveryFactory(to_email="bob@example.com", kind="member:reply", subject="Another reply")


@pytest.mark.parametrize(
    ("params", "subjects"),
    [
        ({"recipient": "ADA@"}, ["A reply", "Confirm"]),
        ({"kind": "member:reply"}, ["Another reply", "A reply"]),
        ({"status": "failed"}, ["A reply"]),
        ({"recipient": "ada", "kind": "member:reply", "status": "failed"}, ["A reply"]),
        ({"status": "nonsense"}, ["Another reply", "A reply", "Confirm"]),  # ignored
    ],
)
def test_staff_filter_the_outbox_by_recipient_kind_and_status(
    client, staff, mixed_outbox, params, subjects
):
    client.force_login(staff)

    response = client.get(reverse("core:outbox"), params)

    assert response.status_code == 200
    assert [d.subject for d in response.context["page"]] == subjects
    assert response.context["screen"].kinds == ["account.confirm", "member:reply"]


def test_outbox_times_say_which_zone_they_are_in(client, staff):
    staff.time_zone = "Europe/Paris"
    staff.save(update_fields=["time_zone"])
    delivery = DeliveryFactory()
    client.force_login(staff)

    listing = client.get(reverse("core:outbox")).content.decode()
    detail = client.get(reverse("core:outbox-detail", args=[delivery.pk])).content.decode()

    assert "Times are in your time zone, Europe/Paris." in listing
    assert '<th scope="col">Queued (Europe/Paris)</th>' in listing
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Europe/Paris\)</time>", detail)
    assert " UTC</time>" not in detail


def test_staff_resend_a_failed_message_through_the_same_delivery(
    client, staff, django_capture_on_commit_callbacks
):
    delivery = DeliveryFactory(status="failed", attempt_count=5, last_error="SMTP 451")
    client.force_login(staff)
    url = reverse("core:outbox-resend", args=[delivery.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:outbox-detail", args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("pending", 0)
    assert len(callbacks) == 1
    assert Delivery.objects.count() == 1


def test_a_message_that_did_not_fail_is_not_sent_again(
    client, staff, django_capture_on_commit_callbacks
):
    delivery = DeliveryFactory(status="sent", attempt_count=1)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("core:outbox-resend", args=[delivery.pk]), follow=True)

    assert "Only a message that failed can be sent again." in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("sent", 1)
    assert callbacks == []


def test_members_cannot_resend(client, member, django_capture_on_commit_callbacks):
    delivery = DeliveryFactory(status="failed", attempt_count=5)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("core:outbox-resend", args=[delivery.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("failed", 5)
    assert callbacks == []


def test_the_resend_button_shows_only_on_a_failed_message(client, staff):
    failed = DeliveryFactory(status="failed")
    sent = DeliveryFactory(status="sent")
    client.force_login(staff)

    failed_page = client.get(reverse("core:outbox-detail", args=[failed.pk])).content.decode()
    sent_page = client.get(reverse("core:outbox-detail", args=[sent.pk])).content.decode()

    assert "Send again</button>" in failed_page
    assert "Send again</button>" not in sent_page
