"""Rendering work per row, counted (not timed): a list page must not grow its per-row work
by accident. Counts `reverse()` calls and template renders; the cache of rendered rows
must serve an unchanged row without rendering it again, and never serve a stale one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.template import Template
from django.urls import reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone

from community.models import Thread
from community.services import posting
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    """Counts of URL reversals and template renders while the fixture is active."""
    counts = {"reverse": 0, "render": 0}
    reverse_with_prefix = URLResolver._reverse_with_prefix
    render = Template.render

    def counting_reverse(self, *args, **kwargs):
        counts["reverse"] += 1
        return reverse_with_prefix(self, *args, **kwargs)

    def counting_render(self, context):
        counts["render"] += 1
        return render(self, context)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counting_reverse)
    monkeypatch.setattr(Template, "render", counting_render)
    return counts


def grow(category, author, count):
    for index in range(count):
        start_thread(author, category, title=f"A thread about slides number {index}")
    # Days old: "3 days ago" stays the same between two requests ("2 seconds ago" would
    # not, and a row's relative time is part of what it shows).
    Thread.objects.update(last_activity_at=timezone.now() - timedelta(days=3))


def work(client, counted, *, cold: bool) -> dict[str, int]:
    if cold:
        cache.clear()
    else:
        client.get(reverse("community:latest"))
    counted.update(reverse=0, render=0)
    client.get(reverse("community:latest"))
    return dict(counted)


@pytest.mark.parametrize(
    ("cold", "per_row"),
    [
        # a cold row: its link, its category chip's link and its author's link; rendered once
        (True, {"reverse": 3, "render": 1}),
        # a cached row: its link only (part of the cache key); not rendered again
        (False, {"reverse": 1, "render": 0}),
    ],
    ids=["cold", "cached"],
)
def test_latest_does_a_fixed_amount_of_work_per_row(client, counted, cold, per_row):
    category, author = CategoryFactory(), UserFactory()
    grow(category, author, 1)
    one = work(client, counted, cold=cold)
    grow(category, author, 29)  # a full page of thirty, no next page

    thirty = work(client, counted, cold=cold)

    assert {k: (thirty[k] - one[k]) / 29 for k in one} == per_row


def test_a_cached_row_changes_when_what_it_shows_changes(client):
    thread = start_thread(UserFactory(), CategoryFactory(), title="Slides that stay readable")
    before = client.get(reverse("community:latest")).content.decode()

    posting.reply(author=UserFactory(), thread_id=thread.pk, body="Use 28pt.")
    posting.edit_thread(
        editor=thread.author, thread_id=thread.pk, title="Slides that stay readable at the back"
    )
    after = client.get(reverse("community:latest")).content.decode()

    assert (
        '<p class="thread-row-stats"><span>0 replies</span>' in before,
        "at the back</a>" in before,
    ) == (
        True,
        False,
    )
    assert (
        '<p class="thread-row-stats"><span>1 reply</span>' in after,
        "at the back</a>" in after,
    ) == (
        True,
        True,
    )


def test_a_members_unread_marker_never_reaches_a_visitor(client, member):
    thread = start_thread(UserFactory(), CategoryFactory(), title="Unread for one member only")
    client.force_login(member)
    as_member = client.get(reverse("community:latest")).content.decode()
    client.logout()

    as_visitor = client.get(reverse("community:latest")).content.decode()

    assert thread.title in as_visitor
    assert ('class="new-marker"' in as_member, 'class="new-marker"' in as_visitor) == (
        True,
        False,
    )
