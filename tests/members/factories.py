from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import Tier, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    """A member who signed up and verified their email.

    `UserFactory(email_address__verified=False)` makes one who has not verified yet.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    handle = factory.Sequence(lambda n: f"member_{n}")
    display_name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)
    onboarded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def email_address(  # factory_boy passes the built object as the first argument
        obj: User,  # noqa: N805
        create: bool,
        extracted: object,
        **kwargs: object,
    ) -> None:
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=kwargs.get("verified", True)
            )


class TierFactory(DjangoModelFactory[Tier]):
    class Meta:
        model = Tier

    name = factory.Sequence(lambda n: f"Tier {n}")
    slug = factory.Sequence(lambda n: f"tier-{n}")
    rank = factory.Sequence(lambda n: n + 1)
