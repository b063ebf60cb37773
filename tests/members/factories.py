from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import Tier, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"
#: The rank of the top tier (the `vip` persona's). Far above the ranks TierFactory's sequence
#: hands out in one run, so a test's other tiers stay below it and the rank stays unique.
TOP_TIER_RANK = 30_000


class TierFactory(DjangoModelFactory[Tier]):
    """A VIP tier; `TierFactory(top=True)` is the most senior one, Blaze."""

    class Meta:
        model = Tier
        django_get_or_create = ("slug",)  # two VIPs in one test share the one top tier

    class Params:
        top = factory.Trait(name="Blaze", slug="blaze", rank=TOP_TIER_RANK)

    name = factory.Sequence(lambda n: f"Tier {n}")
    slug = factory.Sequence(lambda n: f"tier-{n}")
    # From 100: tests that pass small explicit ranks (1, 5, 9) never collide with these.
    rank = factory.Sequence(lambda n: 100 + n)


class UserFactory(DjangoModelFactory[User]):
    """A member who signed up, verified their email and finished onboarding.

    Traits: `unverified` (signed up, email not confirmed yet), `staff`, `vip` (in the top
    tier; pass `tier=` for another), `inactive` (a deactivated account), `suspended` (for a
    week), `new_member` (the new-member limits still apply).
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        unverified = factory.Trait(email_address__verified=False)
        staff = factory.Trait(is_staff=True)
        vip = factory.Trait(tier=factory.SubFactory(TierFactory, top=True))
        inactive = factory.Trait(is_active=False)
        # Discourse's trust level 0: the new-member limits apply until they lift.
        new_member = factory.Trait(limits_lifted_at=None)
        # Suspended for a week (time-based: over by itself once suspended_until passes).
        suspended = factory.Trait(
            suspended_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
            suspension_reason="Spamming links",
        )

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    handle = factory.Sequence(lambda n: f"member_{n}")
    display_name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)
    onboarded_at = factory.LazyFunction(timezone.now)
    # Established by default (the new-member limits lifted); `new_member=True` for a newcomer.
    limits_lifted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def email_address(  # factory_boy passes the built object as the first argument
        obj: User,  # noqa: N805
        create: bool,
        extracted: object,
        **kwargs: object,
    ) -> None:
        """allauth's EmailAddress row: verified unless `unverified` (or
        `email_address__verified=False`) is given. allauth reads "verified" from it."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=kwargs.get("verified", True)
            )
