"""Referral rows in known states (use the services for realistic flows)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.referrals import identity
from members.referrals.models import Referral, ReferralLink
from tests.members.factories import UserFactory


class ReferralLinkFactory(DjangoModelFactory[ReferralLink]):
    class Meta:
        model = ReferralLink

    member = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"code{n:06d}")


class ReferralFactory(DjangoModelFactory[Referral]):
    """A pending referral (the new member has done no community act yet).

    Traits: `acted` (a reply of theirs was liked), `flagged` (same network as the referrer).
    """

    class Meta:
        model = Referral

    class Params:
        acted = factory.Trait(
            acted_at=factory.LazyFunction(timezone.now),
            act=Referral.Act.REPLY_LIKED,
        )
        flagged = factory.Trait(flag_reasons="same network")

    referrer = factory.SubFactory(UserFactory)
    referred = factory.SubFactory(UserFactory)
    email_fingerprint = factory.LazyAttribute(
        lambda o: identity.email_fingerprint(o.referred.email)
    )
