"""What events plug into the lower layers (config/wiring.py): notification kinds, targets,
the digest section; and the read-only admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.selectors import upcoming_for_digest
from members.hooks import digest_sections, target_resolver
from members.notifications import KINDS
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_event_kinds_are_registered_and_changes_and_seats_are_critical():
    events = {key: kind for key, kind in KINDS.items() if key.startswith("event_")}

    assert sorted(events) == [
        "event_changed",
        "event_proposal",
        "event_question",
        "event_recording",
        "event_registration",
        "event_reminder",
        "event_seat",
    ]
    assert sorted(key for key, kind in events.items() if kind.is_critical) == [
        "event_changed",
        "event_seat",
    ]


def test_events_and_proposals_resolve_as_notification_targets(member, webinar):
    targets = target_resolver("event")(member, [webinar.pk, 999_999])

    assert list(targets) == [webinar.pk]
    assert targets[webinar.pk].url == webinar.get_absolute_url()
    assert targets[webinar.pk].scope == f"event:{webinar.pk}"
    assert target_resolver("proposal") is not None


def test_the_digest_has_an_upcoming_events_section(member, host):
    EventFactory(title="New and open", hosts=[host])
    registered = EventFactory(title="Already mine", hosts=[host])
    RegistrationFactory(event=registered, member=member)

    block = upcoming_for_digest(member, timezone.now() - timedelta(days=1))

    assert upcoming_for_digest in digest_sections()
    assert block.heading == "Coming up"
    assert [item.title for item in block.items] == ["New and open"]


def test_the_admin_lists_events_read_only(client, webinar):
    client.force_login(UserFactory(staff=True, is_superuser=True))

    listed = client.get(reverse("admin:events_event_changelist"))
    detail = client.get(reverse("admin:events_event_change", args=[webinar.pk]))
    add = client.get(reverse("admin:events_event_add"))

    assert (listed.status_code, detail.status_code, add.status_code) == (200, 200, 403)
    assert webinar.title in listed.content.decode()
