"""The Delivery ledger: every email is sent once, through a task, after commit."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from core import services
from core.models import Delivery
from tests.core.factories import DeliveryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_queue_email_records_the_message_and_enqueues_one_send_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        delivery, created = services.queue_email(
            to_email="ada@example.com",
            subject="Hi",
            text_body="Body",
            html_body="<p>Body</p>",
            kind="test.note",
            key="k1",
        )

    assert created is True
    assert delivery.status == Delivery.Status.PENDING
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_queueing_the_same_message_twice_keeps_one_row_and_enqueues_nothing_more(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    kwargs = {
        "to_email": member.email,
        "subject": "Hi",
        "text_body": "Body",
        "kind": "event.reminder",
        "key": "event-7:24h",
        "recipient_id": member.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(**kwargs)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery, created = services.queue_email(**kwargs)

    assert created is False
    assert callbacks == []
    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1
    assert delivery.status == Delivery.Status.SENT


def test_sending_a_delivery_twice_sends_one_email():
    delivery = DeliveryFactory(to_email="ada@example.com", subject="Once", html_body="<b>Once</b>")

    first = services.send_delivery(delivery_id=delivery.pk)
    second = services.send_delivery(delivery_id=delivery.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Once"
    assert mail.outbox[0].alternatives[0].content == "<b>Once</b>"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempt_count == 1
    assert delivery.sent_at is not None


def test_sending_a_vanished_delivery_is_a_quiet_no_op():
    assert services.send_delivery(delivery_id=987654) is False
    assert mail.outbox == []


def test_a_send_error_puts_the_delivery_back_to_pending_for_a_retry(monkeypatch):
    delivery = DeliveryFactory()

    def broken_send(self, fail_silently=False):
        raise SMTPServerDisconnected("server went away")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)

    with pytest.raises(SMTPServerDisconnected):
        services.send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_error == "SMTPServerDisconnected: server went away"
    assert delivery.attempt_count == 1


def test_a_delivery_that_keeps_failing_is_marked_failed(monkeypatch):
    delivery = DeliveryFactory(attempt_count=services.MAX_SEND_ATTEMPTS - 1)
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(OSError("no route")),
    )

    with pytest.raises(OSError, match="no route"):
        services.send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED


def test_sweeper_resends_lost_and_stalled_deliveries_but_not_fresh_ones():
    now = timezone.now()
    lost = DeliveryFactory()
    stalled = DeliveryFactory(status=Delivery.Status.SENDING)
    fresh = DeliveryFactory()
    Delivery.objects.filter(pk=lost.pk).update(queued_at=now - timedelta(minutes=10))
    Delivery.objects.filter(pk=stalled.pk).update(
        queued_at=now - timedelta(hours=1), claimed_at=now - timedelta(minutes=20)
    )

    requeued = services.requeue_stalled_deliveries()
    again = services.requeue_stalled_deliveries()

    assert (requeued, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lost.to_email, stalled.to_email])
    fresh.refresh_from_db()
    assert fresh.status == Delivery.Status.PENDING


def test_send_templated_email_renders_subject_text_and_html(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "hello_subject.txt").write_text("Hello {{ name }}\n")
    (tmp_path / "email" / "hello_message.txt").write_text("Hi {{ name }} from {{ site_name }}")
    (tmp_path / "email" / "hello_message.html").write_text("<p>Hi {{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    with django_capture_on_commit_callbacks(execute=True):
        services.send_templated_email(
            template="hello",
            to_email="ada@example.com",
            context={"name": "<Ada>"},
            kind="test.hello",
            key="1",
        )

    message = mail.outbox[0]
    assert message.subject == "[Hearth] Hello <Ada>"
    assert message.body == "Hi <Ada> from Hearth"
    assert message.alternatives[0].content == "<p>Hi &lt;Ada&gt;</p>"


def test_a_message_with_an_attachment_keeps_it_in_the_ledger_and_sends_it(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(email="cal@example.com")
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

    with django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(
            [
                services.OutgoingEmail(
                    to_email=member.email,
                    recipient_id=member.pk,
                    kind="member:test",
                    key="with-calendar",
                    subject="An entry for your calendar",
                    text_body="Attached.",
                    attachments=(services.Attachment("event.ics", calendar, "text/calendar"),),
                )
            ]
        )

    assert Delivery.objects.get().attachments == [
        {"filename": "event.ics", "content": calendar, "mimetype": "text/calendar"}
    ]
    (sent,) = mail.outbox
    assert sent.attachments == [("event.ics", calendar, "text/calendar")]
