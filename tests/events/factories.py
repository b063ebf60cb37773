"""Event rows with minimal valid defaults; traits for the states tests ask for.

Factories write rows directly (no thread, no emails, no counters beyond what they set);
tests of a flow use the services, tests that need a state use a trait.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event, Pledge, Proposal, ProposalOption, Question, Registration
from tests.members.factories import UserFactory


def in_days(days: float) -> object:
    return factory.LazyFunction(lambda: timezone.now() + timedelta(days=days))


class EventFactory(DjangoModelFactory[Event]):
    """A published public webinar a week from now, an hour long, 10 seats, with one host.

    Traits: `draft`, `cancelled`, `past` (ended yesterday, finished), `ama`,
    `members_only`, `tier_only` (pass `minimum_tier=`), `unlimited`."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Event.Status.DRAFT, published_at=None)
        cancelled = factory.Trait(status=Event.Status.CANCELLED)
        past = factory.Trait(
            status=Event.Status.FINISHED,
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1, hours=1)),
            ends_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        ama = factory.Trait(kind=Event.Kind.AMA)
        members_only = factory.Trait(access=Event.Access.MEMBERS)
        tier_only = factory.Trait(access=Event.Access.TIER)
        unlimited = factory.Trait(capacity=None)

    kind = Event.Kind.WEBINAR
    title = factory.Sequence(lambda n: f"Webinar number {n}")
    description = "What we'll cover."
    description_html = "<p>What we'll cover.</p>"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    time_zone = "Europe/Berlin"
    capacity = 10
    access = Event.Access.PUBLIC
    join_url = factory.Sequence(lambda n: f"https://meet.example.com/secret-room-{n}")
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def hosts(obj: Event, create: bool, extracted: Any, **kwargs: object) -> None:  # noqa: N805
        if not create:
            return
        obj.hosts.set(extracted if extracted is not None else [UserFactory()])

    @factory.post_generation
    def topics(obj: Event, create: bool, extracted: Any, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.topics.set(extracted)


class RegistrationFactory(DjangoModelFactory[Registration]):
    """A confirmed seat (the event's seat count goes up). Traits: `waitlisted`, `offered`,
    `attended`, `cancelled`."""

    class Meta:
        model = Registration

    class Params:
        waitlisted = factory.Trait(status=Registration.Status.WAITLISTED, confirmed_at=None)
        offered = factory.Trait(
            status=Registration.Status.OFFERED,
            confirmed_at=None,
            offered_at=factory.LazyFunction(timezone.now),
            offer_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24)),
        )
        attended = factory.Trait(
            status=Registration.Status.ATTENDED, attended_at=factory.LazyFunction(timezone.now)
        )
        cancelled = factory.Trait(status=Registration.Status.CANCELLED, confirmed_at=None)

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    registered_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        event = kwargs["event"]
        status = kwargs.get("status", Registration.Status.CONFIRMED)
        if status == Registration.Status.WAITLISTED:
            event.waitlist_sequence += 1
            kwargs.setdefault("waitlist_position", event.waitlist_sequence)
            kwargs.setdefault("waitlisted_at", timezone.now())
            Event.objects.filter(pk=event.pk).update(waitlist_sequence=event.waitlist_sequence)
        if status in Registration.HOLDS_SEAT:
            event.held_seat_count += 1
            Event.objects.filter(pk=event.pk).update(held_seat_count=event.held_seat_count)
        return super()._create(model_class, *args, **kwargs)


class QuestionFactory(DjangoModelFactory[Question]):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory, ama=True)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"What is the best way to do thing {n}?")
    status = Question.Status.OPEN


class ProposalFactory(DjangoModelFactory[Proposal]):
    """An open proposal with two dates (next week, 17:00 and 18:00 UTC)."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    proposer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Masterclass number {n}")
    outline = "What you'll learn."
    outline_html = "<p>What you'll learn.</p>"

    @factory.post_generation
    def options(obj: Proposal, create: bool, extracted: Any, **kwargs: object) -> None:  # noqa: N805
        if not create:
            return
        base = (timezone.now() + timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        moments = extracted if extracted is not None else [base, base + timedelta(hours=1)]
        ProposalOption.objects.bulk_create(
            [ProposalOption(proposal=obj, starts_at=moment) for moment in moments]
        )


class PledgeFactory(DjangoModelFactory[Pledge]):
    class Meta:
        model = Pledge

    proposal = factory.SubFactory(ProposalFactory)
    member = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        proposal = kwargs["proposal"]
        proposal.pledge_count += 1
        Proposal.objects.filter(pk=proposal.pk).update(pledge_count=proposal.pledge_count)
        return super()._create(model_class, *args, **kwargs)
