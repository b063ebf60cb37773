"""Notification emails: the window, once only, the cap, unsubscribe, bounces."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery, EmailHealth
from core.services import record_bounce, record_complaint, send_deliveries
from members.models import Notification, NotificationSetting, UnsubscribeFeedback
from members.notifications import emails, services
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

# About the forum's notifications: the badges a first post earns (and their notifications)
# are loyalty's, tested in tests/members/loyalty.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_automatic_badges")]

SECRET = "webhook-secret-for-tests"


@pytest.fixture
def thread():
    return start_thread(UserFactory(), CategoryFactory(), title="Recording a screencast")


def notify(member, thread, *, key="post:1", kind="reply", actor=None):
    services.notify(
        recipients=[member.pk],
        kind=kind,
        actor_id=(actor or UserFactory(display_name="Ana")).pk,
        target_type="post",
        target_id=thread.posts.get(number=1).pk,
        key=key,
        scope=f"thread:{thread.pk}",
        excerpt="Try OBS.",
    )
    return Notification.objects.get(recipient=member, key=key)


def send_due(capture, now=None):
    """The sweeper at `now` (default: after the window), then the batch sends."""
    with capture(execute=True):
        emails.sweep_due_notification_emails(now=now or timezone.now() + timedelta(minutes=11))


def test_a_notification_seen_in_the_app_within_the_window_sends_no_email(
    member, thread, django_capture_on_commit_callbacks
):
    notification = notify(member, thread)
    services.mark_group_read(member_id=member.pk, notification_id=notification.pk)

    send_due(django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.get().email_state == "skipped"


def test_an_unseen_notification_sends_exactly_one_email_even_when_swept_twice(
    member, thread, django_capture_on_commit_callbacks
):
    notify(member, thread)

    send_due(django_capture_on_commit_callbacks)
    send_due(django_capture_on_commit_callbacks)
    emails.send_notification_emails(
        notification_ids=list(Notification.objects.values_list("pk", flat=True))
    )

    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject == "[Hearth] Ana replied in “Recording a screencast”"
    assert Delivery.objects.filter(recipient=member).count() == 1


def test_nothing_is_sent_before_the_window_ends(member, thread, django_capture_on_commit_callbacks):
    notify(member, thread)

    send_due(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(minutes=9))

    assert mail.outbox == []
    assert Notification.objects.get().email_state == "pending"


def test_a_member_who_lost_access_gets_no_email(member, thread, django_capture_on_commit_callbacks):
    notify(member, thread)
    thread.category.access = "tier"
    thread.category.minimum_tier = UserFactory(vip=True).tier
    thread.category.save()

    send_due(django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.get().email_state == "none"


def test_past_the_daily_cap_notifications_wait_for_the_digest(
    member, thread, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_DAILY_CAP = 2
    for index in range(3):
        notify(member, thread, key=f"post:{index}")

    send_due(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert sorted(Notification.objects.values_list("email_state", flat=True)) == [
        "digest",
        "queued",
        "queued",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_the_same_notifications_send_each_once():
    member = UserFactory()
    thread = start_thread(UserFactory(), CategoryFactory(), title="Racing emails thread")
    for index in range(5):
        notify(member, thread, key=f"post:{index}")
    Notification.objects.update(email_due_at=timezone.now() - timedelta(minutes=1))
    ids = list(Notification.objects.values_list("pk", flat=True))
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait(timeout=10)
            emails.send_notification_emails(notification_ids=ids)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    send_deliveries(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))

    assert [worker.is_alive() for worker in workers] == [False, False]
    assert Delivery.objects.filter(recipient=member).count() == 5
    assert len(mail.outbox) == 5


# --- Headers and unsubscribe -----------------------------------------------------------------


def test_notification_emails_carry_one_click_unsubscribe_and_account_emails_do_not(
    client, member, thread, django_capture_on_commit_callbacks
):
    notify(member, thread)
    send_due(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    notification_mail, reset_mail = mail.outbox
    assert notification_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert notification_mail.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/email/unsubscribe/"
    )
    assert "List-Unsubscribe" not in reset_mail.extra_headers
    assert reset_mail.subject == "[Hearth] Reset your password"


def unsubscribe_path(member, kind="reply", scope=""):
    token = emails.unsubscribe_token(member_id=member.pk, kind=kind, scope=scope)
    return reverse("members:unsubscribe", args=[token])


def test_a_get_shows_the_choices_and_changes_nothing(client, member):
    response = client.get(unsubscribe_path(member))

    assert response.status_code == 200
    assert "Stop “Replies in threads you watch” emails?" in response.content.decode()
    assert NotificationSetting.objects.count() == 0


def test_a_post_turns_off_exactly_that_kind_with_no_sign_in(client, member):
    response = client.post(unsubscribe_path(member), {"choice": "off", "reason": "too_many"})

    assert response.status_code == 200
    assert list(NotificationSetting.objects.values_list("member_id", "kind", "email")) == [
        (member.pk, "reply", "never")
    ]
    assert list(UnsubscribeFeedback.objects.values_list("kind", "choice", "reason")) == [
        ("reply", "off", "too_many")
    ]


def test_a_mail_clients_one_click_post_unsubscribes(client, member):
    client.post(unsubscribe_path(member, kind="mention"), {"List-Unsubscribe": "One-Click"})

    assert list(NotificationSetting.objects.values_list("kind", "email")) == [("mention", "never")]


def test_the_digest_instead(client, member):
    client.post(unsubscribe_path(member), {"choice": "digest"})

    assert list(NotificationSetting.objects.values_list("kind", "email", "on_site")) == [
        ("reply", "digest", True)
    ]


def test_muting_the_thread_the_email_was_about(client, member, thread):
    path = unsubscribe_path(member, scope=f"thread:{thread.pk}")

    page = client.get(path).content.decode()
    client.post(path, {"choice": "mute:thread"})

    assert f"Mute the thread “{thread.title}”" in page
    assert list(member.subscriptions.values_list("thread_id", "level")) == [(thread.pk, "muted")]
    assert NotificationSetting.objects.count() == 0


def test_unsubscribing_from_the_digest_stops_digests(client, member):
    client.post(unsubscribe_path(member, kind="digest"), {"choice": "off"})

    member.refresh_from_db()
    assert member.digest_frequency == "never"


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        emails.unsubscribe_token(member_id=1, kind="reply")[:-3] + "abc",
        emails.unsubscribe_token(member_id=1, kind="no_such_kind"),
    ],
    ids=["forged", "damaged", "unknown-kind"],
)
def test_a_forged_or_damaged_token_is_refused_and_changes_nothing(client, token):
    UserFactory()

    response = client.post(reverse("members:unsubscribe", args=[token]), {"choice": "off"})

    assert response.status_code == 400
    assert NotificationSetting.objects.count() == 0
    assert UnsubscribeFeedback.objects.count() == 0


def test_a_token_changes_only_the_member_and_kind_it_names(client):
    ada, bob = UserFactory(), UserFactory()

    client.post(unsubscribe_path(ada, kind="mention"), {"choice": "off"})

    assert list(NotificationSetting.objects.values_list("member_id", "kind")) == [
        (ada.pk, "mention")
    ]
    assert bob.notification_settings.count() == 0


# --- Bounces and complaints ---------------------------------------------------------------


def test_the_bounce_score_stops_mail_at_four_and_resets_after_thirty_days(
    member, thread, django_capture_on_commit_callbacks
):
    record_bounce(address=member.email, hard=True)
    record_bounce(address=member.email, hard=False)
    notify(member, thread, key="post:1")
    send_due(django_capture_on_commit_callbacks)
    sent_at_three = len(mail.outbox)
    record_bounce(address=member.email, hard=False)
    notify(member, thread, key="post:2")
    send_due(django_capture_on_commit_callbacks)
    sent_at_four = len(mail.outbox) - sent_at_three
    EmailHealth.objects.update(last_bounce_at=timezone.now() - timedelta(days=31))
    notify(member, thread, key="post:3")
    send_due(django_capture_on_commit_callbacks)

    assert (sent_at_three, sent_at_four, len(mail.outbox)) == (1, 0, 2)
    assert Delivery.objects.filter(status="suppressed").count() == 1


def test_a_complaint_stops_notification_mail_but_not_account_mail(
    client, member, thread, django_capture_on_commit_callbacks
):
    record_complaint(address=member.email)
    notify(member, thread)
    send_due(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    assert [m.subject for m in mail.outbox] == ["[Hearth] Reset your password"]


def test_a_failing_address_does_not_stop_the_batch(member, thread, monkeypatch):
    others = UserFactory.create_batch(2)
    for person in [member, *others]:
        notify(person, thread, key="post:x")
    Notification.objects.update(email_due_at=timezone.now() - timedelta(minutes=1))
    emails.send_notification_emails(
        notification_ids=list(Notification.objects.values_list("pk", flat=True))
    )
    original = mail.EmailMessage.send

    def flaky(message, *args, **kwargs):
        if message.to == [member.email]:
            raise OSError("mailbox unavailable")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)

    sent = send_deliveries(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in others)
    assert Delivery.objects.get(recipient=member).status == "pending"


def signed(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_the_webhook_records_bounces_and_complaints(client, settings):
    settings.EMAIL_WEBHOOK_SECRET = SECRET
    body = json.dumps(
        {
            "events": [
                {"type": "bounce", "email": "Ada@Example.com", "bounce_type": "hard"},
                {"type": "complaint", "email": "bob@example.com"},
            ]
        }
    ).encode()

    response = client.post(
        reverse("core:email-events"),
        body,
        content_type="application/json",
        HTTP_X_HEARTH_SIGNATURE=signed(body),
    )

    assert (response.status_code, response.json()) == (200, {"recorded": 2})
    assert sorted(EmailHealth.objects.values_list("address", "bounce_score")) == [
        ("ada@example.com", 2),
        ("bob@example.com", 0),
    ]


@pytest.mark.parametrize(
    ("body", "signature", "status"),
    [
        (b'{"type": "bounce", "email": "a@example.com"}', "sha256=bad", 403),
        (b"not json", None, 400),
        (b'{"type": "party", "email": "a@example.com"}', None, 400),
        (b'{"type": "bounce", "email": "not-an-address"}', None, 400),
    ],
)
def test_the_webhook_refuses_bad_reports_and_records_nothing(
    client, settings, body, signature, status
):
    settings.EMAIL_WEBHOOK_SECRET = SECRET

    response = client.post(
        reverse("core:email-events"),
        body,
        content_type="application/json",
        HTTP_X_HEARTH_SIGNATURE=signature or signed(body),
    )

    assert response.status_code == status
    assert EmailHealth.objects.count() == 0


def test_the_webhook_is_off_without_a_secret(client, settings):
    settings.EMAIL_WEBHOOK_SECRET = ""

    response = client.post(reverse("core:email-events"), b"{}", content_type="application/json")

    assert response.status_code == 404


def test_operators_record_a_bounce_by_command():
    call_command("record_email_event", "bounce", "ops@example.com", "--soft")

    assert list(EmailHealth.objects.values_list("address", "bounce_score")) == [
        ("ops@example.com", 1)
    ]


def test_a_member_whose_mail_bounces_sees_why_in_the_app(client, member):
    for _ in range(2):
        record_bounce(address=member.email, hard=True)
    client.force_login(member)

    page = client.get(reverse("community:latest")).content.decode()

    assert f"We've stopped emailing {member.email}" in page
    assert "Messages to it keep bouncing back." in page
