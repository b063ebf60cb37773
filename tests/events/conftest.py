"""Events fixtures: a host, a small event, and helpers to read what was emailed."""

from __future__ import annotations

import pytest
from django.core import mail

from core.models import Delivery
from tests.events.factories import EventFactory
from tests.members.factories import TierFactory, UserFactory


@pytest.fixture
def host():
    return UserFactory(handle="host", display_name="Hana Host")


@pytest.fixture
def webinar(host):
    """A published public webinar in a week: 2 seats, hosted by `host`."""
    return EventFactory(title="Shipping a newsletter", capacity=2, hosts=[host])


@pytest.fixture
def ama(host):
    """A published public AMA in a week, unlimited seats, hosted by `host`."""
    return EventFactory(title="Ask the team anything", ama=True, capacity=None, hosts=[host])


@pytest.fixture
def flame():
    """A tier below the `vip` persona's (Blaze, the top one)."""
    return TierFactory(name="Flame", slug="flame", rank=5)


def sent_to(address: str) -> list[str]:
    """Subjects of the emails sent to `address`, in order."""
    return [str(m.subject) for m in mail.outbox if m.to == [address]]


def ledger(kind: str) -> list[tuple[int | None, str]]:
    """(recipient id, key) of the ledger's rows of one kind, sorted."""
    return sorted(Delivery.objects.filter(kind=kind).values_list("recipient_id", "key"))
