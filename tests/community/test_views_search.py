"""Search, For you and the header's search box (Django test client, no browser)."""

import re

import pytest
from django.urls import reverse

from community.services import posting
from core.models import Topic
from tests.community.pages import page_html, result_titles, row_titles

pytestmark = pytest.mark.django_db

XSS_TITLE = "<script>alert(1)</script> in my slides"


def test_search_finds_a_thread_by_a_word_and_marks_the_match(client, code_question):
    response = client.get(reverse("community:search"), {"q": "fail"})

    content = page_html(response)
    assert result_titles(response) == ["How do I highlight code in a talk"]
    # PostgreSQL's ts_headline and the SQLite fallback cut the excerpt differently.
    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', content, re.DOTALL)
    assert snippet.count("<mark>") == 1
    assert "does this <mark>fail</mark>?" in snippet
    assert "1 result for “fail”" in content


def test_search_without_words_shows_tips_and_no_results(client, code_question):
    content = page_html(client.get(reverse("community:search")))

    assert "What are you looking for?" in content
    assert "search-result" not in content


def test_header_has_a_forum_search_box(client):
    content = page_html(client.get(reverse("core:home")))

    assert f'action="{reverse("community:search")}" role="search"' in content
    assert 'id="header-search-q" type="search" name="q"' in content


@pytest.mark.parametrize("where", ["latest", "thread", "search"])
def test_a_script_in_a_title_is_shown_as_text(client, asker, writing, where):
    thread = posting.create_thread(
        author=asker, category_id=writing.pk, title=XSS_TITLE, body="slides"
    )
    url = {
        "latest": reverse("community:latest"),
        "thread": thread.get_absolute_url(),
        "search": reverse("community:search") + "?q=slides",
    }[where]

    content = page_html(client.get(url))

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; in my slides" in content


def test_for_you_explains_each_recommendation(client, writing, asker, helper):
    topic = Topic.objects.get(slug="python")
    helper.topics.add(topic)
    posting.create_thread(
        author=asker, category_id=writing.pk, title="Packaging talk", body="x", topics=[topic]
    )
    client.force_login(helper)

    response = client.get(reverse("community:for-you"))

    assert row_titles(response) == ["Packaging talk"]
    assert re.findall(
        r'<p class="thread-row-reason">.*?</svg>\s*([^<]*)</p>',
        response.content.decode(),
        re.DOTALL,
    ) == ["Because you follow Python"]


def test_for_you_points_to_topics_and_latest_when_empty(client, member):
    client.force_login(member)

    content = page_html(client.get(reverse("community:for-you")))

    assert "Nothing to recommend yet" in content
    assert f'href="{reverse("members:profile-edit")}"' in content
