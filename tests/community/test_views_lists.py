"""Forum list pages: Latest and the categories (Django test client, no browser)."""

import re

import pytest
from django.urls import reverse

from community.selectors import threads as thread_selectors
from community.services import engagement, posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.community.pages import category_cards, page_html, row_titles
from tests.members.factories import TierFactory

pytestmark = pytest.mark.django_db


# --- Latest -----------------------------------------------------------------------------------


def test_latest_lists_a_thread_with_its_category_author_and_counts(client, code_question, helper):
    posting.reply(author=helper, thread_id=code_question.pk, body="Use a big font.")

    content = page_html(client.get(reverse("community:latest")))

    url = code_question.get_absolute_url()
    assert f'<a href="{url}">How do I highlight code in a talk</a>' in content
    assert 'class="category-chip" href="/c/writing/"' in content
    assert 'href="/u/asker/">Ada Asker</a>' in content
    assert '<p class="thread-row-stats"><span>1 reply</span><span>0 views</span>' in content
    assert '<span class="badge badge-info">Question</span>' in content


def test_latest_hides_unread_and_new_tabs_when_visitor(client, code_question):
    response = client.get(reverse("community:latest"))

    content = page_html(response)
    assert row_titles(response) == ["How do I highlight code in a talk"]
    assert "?filter=unread" not in content
    assert "?filter=new" not in content
    assert 'class="new-marker"' not in content


def test_latest_marks_unopened_threads_new_and_counts_unread_replies_when_member(
    client, writing, asker, helper
):
    opened = posting.create_thread(
        author=asker, category_id=writing.pk, title="Opened before", body="First."
    )
    engagement.mark_read(member=helper, thread_id=opened.pk, number=1)
    posting.reply(author=asker, thread_id=opened.pk, body="Second.")
    posting.reply(author=asker, thread_id=opened.pk, body="Third.")
    posting.create_thread(author=asker, category_id=writing.pk, title="Never opened", body="Hi.")
    client.force_login(helper)

    content = page_html(client.get(reverse("community:latest")))

    assert "?filter=unread" in content
    assert content.count('<span class="new-marker">New</span>') == 1
    unread_url = reverse("community:thread-unread", args=[opened.pk])
    assert re.search(
        rf'<a class="unread-marker" href="{unread_url}">2'
        r'<span class="visually-hidden"> unread posts',
        content,
    )


def test_latest_shows_a_friendly_empty_state_when_there_are_no_threads(client):
    content = page_html(client.get(reverse("community:latest")))

    assert '<h3 class="card-title">No threads yet</h3>' in content
    assert f'href="{reverse("community:thread-create")}"' in content


def test_latest_next_page_link_keeps_the_filter_and_topic(client, monkeypatch, writing, asker):
    monkeypatch.setattr(thread_selectors, "THREADS_PER_PAGE", 1)
    topic = Topic.objects.get(slug="python")
    for title in ("First python thread", "Second python thread"):
        posting.create_thread(
            author=asker, category_id=writing.pk, title=title, body="Body.", topics=[topic]
        )
    client.force_login(asker)

    content = page_html(client.get(reverse("community:latest"), {"topic": "python"}))

    assert re.search(r'href="\?topic=python&amp;cursor=[^"]+" rel="next">Next page', content)


# --- Categories -------------------------------------------------------------------------------


def test_category_page_shows_its_description_watch_button_and_new_thread_link(
    client, member, writing
):
    client.force_login(member)

    content = page_html(client.get(reverse("community:category", args=["writing"])))

    assert "<h1>Writing</h1>" in content
    assert "<p>Posts, newsletters, ebooks.</p>" in content
    assert f'action="{reverse("community:category-watch", args=["writing"])}"' in content
    assert f'href="{reverse("community:thread-create")}?category=writing"' in content
    assert '<h3 class="card-title">No threads in Writing yet</h3>' in content


def test_category_page_has_no_watch_button_when_visitor(client, writing):
    content = page_html(client.get(reverse("community:category", args=["writing"])))

    assert "<h1>Writing</h1>" in content
    assert reverse("community:category-watch", args=["writing"]) not in content


def test_categories_index_shows_counts_and_access_notes(client, moderator, writing, asker):
    CategoryFactory(name="Lounge", slug="lounge", members_only=True)
    CategoryFactory(
        name="VIP room", slug="vip", tier_only=True, minimum_tier=TierFactory(name="Gold")
    )
    posting.create_thread(author=asker, category_id=writing.pk, title="One thread", body="Hi.")
    client.force_login(moderator)

    response = client.get(reverse("community:categories"))

    assert category_cards(response) == [
        "Lounge 0 threads Members only",
        "VIP room 0 threads Gold members and above",
        "Writing Posts, newsletters, ebooks. 1 thread",
    ]
