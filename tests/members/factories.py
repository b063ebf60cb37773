from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from members.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    """A member who signed up and verified their email. `unverified=True` skips that."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        unverified = False

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    handle = factory.Sequence(lambda n: f"member_{n}")
    display_name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def email_address(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        verified = not obj.__dict__.get("_unverified", False)
        EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=verified)

    @classmethod
    def _create(cls, model_class, *args, unverified=False, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user._unverified = unverified
        return user
