"""Migration 0011 backfills what everyone sees counted from the posts as they stand: a held
post (or one hidden straight from being held) never counted; a published post hidden later
keeps its place."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("community", "0010_thread_merge_tombstone")]
AFTER = [("community", "0011_held_posts_count_on_approval")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_backfill_counts_only_posts_that_were_published():
    author = UserFactory()
    apps = migrate(BEFORE)
    Category = apps.get_model("community", "Category")
    Thread = apps.get_model("community", "Thread")
    Post = apps.get_model("community", "Post")
    actions = apps.get_model("community", "ModerationAction")
    category = Category.objects.create(name="Room", slug="room")
    thread = Thread.objects.create(category=category, title="Mixed", author_id=author.pk)
    held = Thread.objects.create(category=category, title="Held", author_id=author.pk, is_held=True)
    for number, status in [(1, "published"), (2, "held"), (3, "published"), (4, "hidden")]:
        Post.objects.create(
            thread=thread, number=number, author_id=author.pk, source=".", html=".", status=status
        )
    Post.objects.create(
        thread=held, number=1, author_id=author.pk, source=".", html=".", status="held"
    )
    rejected = Post.objects.create(
        thread=held, number=2, author_id=author.pk, source=".", html=".", status="hidden"
    )
    actions.objects.create(
        action="hide_post", post=rejected, target=".", before={"status": "held"}, after={}
    )

    apps = migrate(AFTER)

    Thread = apps.get_model("community", "Thread")
    Post = apps.get_model("community", "Post")
    counters = {
        t.title: (t.post_count, t.last_published_number, t.last_number)
        for t in Thread.objects.all()
    }
    assert counters == {"Mixed": (3, 4, 4), "Held": (0, 0, 2)}
    assert sorted(
        (p.thread.title, p.number)
        for p in Post.objects.filter(published_at__isnull=True).select_related("thread")
    ) == [("Held", 1), ("Held", 2), ("Mixed", 2)]
