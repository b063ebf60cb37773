"""Forum rows with minimal valid defaults; traits for the states tests ask for.

Factories write rows directly (no search indexing, no counters beyond the thread's own);
tests of a flow use the services, tests that need a state use a trait.
"""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from community.models import Category, CategoryModerator, Post, Thread
from tests.members.factories import TierFactory, UserFactory


class CategoryFactory(DjangoModelFactory[Category]):
    """A public category. Traits: `members_only`, `tier_only` (pass `minimum_tier=`)."""

    class Meta:
        model = Category

    class Params:
        members_only = factory.Trait(access=Category.Access.MEMBERS)
        tier_only = factory.Trait(
            access=Category.Access.TIER, minimum_tier=factory.SubFactory(TierFactory)
        )

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    access = Category.Access.PUBLIC


class ThreadFactory(DjangoModelFactory[Thread]):
    """A discussion with its opening post (number 1). Use the services for realistic flows.

    Traits: `question`, `solved` (a question whose reply number 2 is the accepted answer),
    `locked`, `pinned` (in its category), `pinned_globally` (on Latest too).
    """

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    class Params:
        question = factory.Trait(kind=Thread.Kind.QUESTION)
        solved = factory.Trait(kind=Thread.Kind.QUESTION)
        locked = factory.Trait(is_locked=True)
        pinned = factory.Trait(is_pinned=True)
        pinned_globally = factory.Trait(is_pinned_globally=True)

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"How do I ship thing number {n}?")
    author = factory.SubFactory(UserFactory)
    last_poster = factory.SelfAttribute("author")
    post_count = 1
    last_published_number = factory.SelfAttribute("post_count")
    last_number = factory.SelfAttribute("post_count")
    created_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.SelfAttribute("created_at")

    @factory.post_generation
    def opening_post(obj: Thread, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805  # factory_boy passes the object
        if create:
            body = str(kwargs.get("source", "Opening post text."))
            Post.objects.create(
                thread=obj,
                number=1,
                author=obj.author,
                source=body,
                html=f"<p>{body}</p>",
                created_at=obj.created_at,
            )

    accepted_answer = factory.Maybe(
        "solved",
        yes_declaration=factory.PostGeneration(
            lambda obj, create, extracted: _accept(obj) if create else None
        ),
    )


def _accept(thread: Thread) -> None:
    """Add reply number 2 and make it the thread's accepted answer."""
    answer = PostFactory(thread=thread, source="This is the accepted answer.")
    thread.solution = answer
    thread.save(update_fields=["solution"])


class PostFactory(DjangoModelFactory[Post]):
    """A reply appended to `thread` (numbers follow the thread's last_number; a post made
    with `published_at=None`, as held ones are, does not count on the thread).

    Traits: `deleted` (soft-deleted, text kept for moderators), `edited` (edited once).
    """

    class Meta:
        model = Post

    class Params:
        deleted = factory.Trait(is_deleted=True, deleted_at=factory.LazyFunction(timezone.now))
        edited = factory.Trait(edit_count=1, edited_at=factory.LazyFunction(timezone.now))

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    source = "A reply."
    html = factory.LazyAttribute(lambda o: f"<p>{o.source}</p>")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        thread = kwargs["thread"]
        thread.last_number += 1
        kwargs.setdefault("number", thread.last_number)
        if kwargs.get("published_at", True) is not None:
            thread.post_count += 1
            thread.last_published_number = kwargs["number"]
        Thread.objects.filter(pk=thread.pk).update(
            post_count=thread.post_count,
            last_published_number=thread.last_published_number,
            last_number=thread.last_number,
        )
        return super()._create(model_class, *args, **kwargs)


class CategoryModeratorFactory(DjangoModelFactory[CategoryModerator]):
    """A category moderator; keeps the member's `moderates_categories` flag in step (as the
    appoint service does)."""

    class Meta:
        model = CategoryModerator
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    member = factory.SubFactory(UserFactory)

    @factory.post_generation
    def flag(obj: CategoryModerator, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805  # factory_boy passes the object
        if create:
            type(obj.member).objects.filter(pk=obj.member_id).update(moderates_categories=True)
            obj.member.moderates_categories = True
