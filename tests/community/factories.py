from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from community.models import Category, Post, Thread
from tests.members.factories import UserFactory


class CategoryFactory(DjangoModelFactory[Category]):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    access = Category.Access.PUBLIC


class ThreadFactory(DjangoModelFactory[Thread]):
    """A thread with its opening post (number 1). Use the services for realistic flows."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"How do I ship thing number {n}?")
    author = factory.SubFactory(UserFactory)
    last_poster = factory.SelfAttribute("author")
    post_count = 1
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


class PostFactory(DjangoModelFactory[Post]):
    """A reply appended to `thread` (numbers follow the thread's post_count)."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    source = "A reply."
    html = factory.LazyAttribute(lambda o: f"<p>{o.source}</p>")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        thread = kwargs["thread"]
        thread.post_count += 1
        Thread.objects.filter(pk=thread.pk).update(post_count=thread.post_count)
        kwargs.setdefault("number", thread.post_count)
        return super()._create(model_class, *args, **kwargs)
