from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from core.models import Delivery


class DeliveryFactory(DjangoModelFactory[Delivery]):
    class Meta:
        model = Delivery

    to_email = factory.Sequence(lambda n: f"reader{n}@example.com")
    kind = "test.note"
    key = factory.Sequence(lambda n: f"key-{n}")
    subject = "A note from Hearth"
    text_body = "Hello from Hearth."
