"""Full-text search on both databases: SQLite's FTS5 in the embedded default (run as is),
PostgreSQL's tsvector when DATABASE_URL points at it (the same tests, plus those marked
postgres). Words in any order, stemming, title above body, kept up to date on every write,
grouped by thread, snippets from the post's text, members' syntax never an error."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from community import search
from community.models import Post
from community.services import posting
from tests.community.pages import page_html, result_titles
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def found(viewer, query, *, group=False):
    hits = search.search_posts(
        viewer=viewer, query=query, filters=search.SearchFilters(), group=group
    )
    return [(hit.post.thread.title, hit.post.number) for hit in hits]


def test_two_words_far_apart_and_in_any_order_find_the_post(visitor, asker, help_desk):
    start_thread(
        asker,
        help_desk,
        title="Slow pages",
        body="Our invoices page is slow. " + "Nothing else changed. " * 20 + "Postgres is 15.",
    )
    start_thread(asker, help_desk, title="Other", body="Invoices only here.")

    assert found(visitor, "postgres invoices") == [("Slow pages", 1)]
    assert found(visitor, "invoices   POSTGRES") == [("Slow pages", 1)]


def test_words_are_stemmed(visitor, asker, help_desk):
    start_thread(asker, help_desk, title="Retrying tasks", body="The worker retries twice.")

    assert found(visitor, "retry") == [("Retrying tasks", 1)]


def test_a_title_match_ranks_above_a_body_match(visitor, asker, helper, help_desk):
    body_only = start_thread(
        asker, help_desk, title="Worker trouble", body="Celery restarts at night."
    )
    titled = start_thread(asker, help_desk, title="Celery beat drifts", body="Since Monday.")
    posting.reply(author=helper, thread_id=body_only.pk, body="Celery, celery, Celery again.")

    results = found(visitor, "celery")

    assert results[0] == (titled.title, 1)
    assert sorted(results[1:]) == [("Worker trouble", 1), ("Worker trouble", 2)]


def test_an_edited_post_is_found_by_its_new_words_not_its_old(visitor, asker, help_desk):
    thread = start_thread(asker, help_desk, title="Deploys", body="We use capistrano today.")
    opening = Post.objects.get(thread=thread, number=1)

    posting.edit_post(editor=asker, post_id=opening.pk, body="We moved to kamal.")

    assert found(visitor, "capistrano") == []
    assert found(visitor, "kamal") == [("Deploys", 1)]


def test_a_renamed_thread_is_found_by_its_new_title(visitor, asker, help_desk):
    thread = start_thread(asker, help_desk, title="Ansible question", body="Roles or not?")

    posting.edit_thread(editor=asker, thread_id=thread.pk, title="Terraform question")

    assert found(visitor, "ansible") == []
    assert found(visitor, "terraform") == [("Terraform question", 1)]


def test_a_deleted_post_leaves_search_and_a_restored_one_returns(
    client, visitor, asker, helper, help_desk
):
    thread = start_thread(asker, help_desk, title="Queues", body="Which broker?")
    reply = posting.reply(author=helper, thread_id=thread.pk, body="Try rabbitmq first.")

    posting.delete_post(actor=helper, post_id=reply.pk)
    assert found(visitor, "rabbitmq") == []

    client.force_login(UserFactory(staff=True, is_superuser=True))
    change = reverse("admin:community_post_change", args=[reply.pk])
    response = client.post(
        change,
        {
            "thread": thread.pk,
            "number": 2,
            "author": helper.pk,
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
            "edit_count": 0,
        },
    )
    assert response.status_code == 302
    assert found(visitor, "rabbitmq") == [("Queues", 2)]


def test_grouped_results_show_each_thread_once_with_its_other_matches(
    visitor, asker, helper, help_desk
):
    busy = start_thread(asker, help_desk, title="Redis memory", body="Redis grows daily.")
    for text in ("Redis maxmemory policy?", "Redis eviction helps.", "Check redis keys."):
        posting.reply(author=helper, thread_id=busy.pk, body=text)
    start_thread(asker, help_desk, title="Caching", body="We cache in redis.")

    hits = search.search_posts(
        viewer=visitor, query="redis", filters=search.SearchFilters(), group=True
    )

    assert [(hit.post.thread.title, hit.post.number, hit.more_matches) for hit in hits] == [
        ("Redis memory", 1, 3),
        ("Caching", 1, 0),
    ]
    assert len(found(visitor, "redis")) == 5


def test_the_search_page_groups_by_thread_unless_every_post_is_asked_for(
    client, asker, helper, help_desk
):
    busy = start_thread(asker, help_desk, title="Nginx buffering", body="Nginx buffers SSE.")
    posting.reply(author=helper, thread_id=busy.pk, body="Turn off nginx buffering.")

    grouped = client.get(reverse("community:search"), {"q": "nginx"})
    every = client.get(reverse("community:search"), {"q": "nginx", "show": "posts"})

    assert result_titles(grouped) == ["Nginx buffering"]
    assert "and 1 more match</a> in this thread" in page_html(grouped)
    assert result_titles(every) == ["Nginx buffering", "Nginx buffering"]


FENCE_SNIPPET = {
    "sqlite": (
        "<mark>Gunicorn</mark> hangs on boot. import <mark>gunicorn</mark> # "
        "<mark>gunicorn</mark> config Any <mark>gunicorn</mark> idea?"
    ),
    # ts_headline ends its excerpt at the last word it keeps
    "postgres": (
        "<mark>Gunicorn</mark> hangs on boot. import <mark>gunicorn</mark> # "
        "<mark>gunicorn</mark> config Any <mark>gunicorn</mark> idea"
    ),
}


def test_a_snippet_is_the_posts_text_never_its_markdown_fence(visitor, asker, help_desk):
    body = (
        "Gunicorn hangs on boot.\n\n```python\nimport gunicorn  # gunicorn config\n```\n\n"
        "Any gunicorn idea?"
    )
    start_thread(asker, help_desk, title="Boot hang", body=body)

    [hit] = search.search_posts(viewer=visitor, query="gunicorn", filters=search.SearchFilters())
    snippet = search.snippet_html(hit.post)

    assert "```" not in snippet
    assert snippet == FENCE_SNIPPET["postgres" if settings.IS_POSTGRES else "sqlite"]


@pytest.mark.parametrize(
    "query",
    ['"', 'gunicorn"', "NEAR(gunicorn boot", "gun*", "*", "title:gunicorn", "^boot", "-", "AND"],
)
def test_query_syntax_from_members_is_never_an_error(client, asker, help_desk, query):
    start_thread(asker, help_desk, title="Boot hang", body="Gunicorn hangs on boot.")

    response = client.get(reverse("community:search"), {"q": query})

    assert response.status_code == 200


def test_header_box_keeps_the_query(client):
    content = page_html(client.get(reverse("community:search"), {"q": "kamal deploy"}))

    assert re.search(r'id="header-search-q"[^>]*value="kamal deploy"', content)


def test_only_the_newest_candidates_are_ranked(visitor, asker, help_desk, monkeypatch):
    for number in range(5):
        start_thread(asker, help_desk, title=f"Thread {number}", body="Python everywhere.")
    monkeypatch.setattr(search, "CANDIDATES", 3)

    assert sorted(found(visitor, "python")) == [("Thread 2", 1), ("Thread 3", 1), ("Thread 4", 1)]


def test_a_search_costs_two_queries_and_none_without_words(
    visitor, asker, help_desk, django_assert_num_queries
):
    for number in range(3):
        start_thread(asker, help_desk, title=f"Docker {number}", body="Compose files.")

    with django_assert_num_queries(2):  # the ranked page of ids; those posts with snippets
        assert len(found(visitor, "docker compose", group=True)) == 3
    with django_assert_num_queries(1):  # nothing matches: no posts to load
        assert found(visitor, "kubernetes") == []
    with django_assert_num_queries(0):
        assert found(visitor, "*** ''") == []


def test_rebuilding_the_index_finds_posts_written_around_the_services(
    visitor, asker, help_desk, capsys
):
    thread = start_thread(asker, help_desk, title="Imports", body="Written by the site.")
    Post.objects.filter(thread=thread).update(
        source="Imported zeppelin text.", html="<p>Imported zeppelin text.</p>"
    )
    assert found(visitor, "zeppelin") == []

    call_command("rebuild_search_index", batch=1)

    assert found(visitor, "zeppelin") == [("Imports", 1)]
    assert found(visitor, "written") == []
    assert "Search index rebuilt: 1 posts." in capsys.readouterr().out


def test_plain_text_drops_tags_and_keeps_code_words():
    rendered = (
        '<p>Use <code>make</code> &amp; see:</p><pre><code class="language-sh">make run\n'
        "</code></pre><p>Done.</p>"
    )

    assert search.plain_text(rendered) == "Use make & see: make run Done."


def test_query_words_escape_fts_syntax():
    assert search.query_words('NEAR("a" b*) title:c -d ^e') == [
        "NEAR",
        "a",
        "b",
        "title",
        "c",
        "d",
        "e",
    ]
    assert search.fts_query(["NEAR", "a"]) == '"NEAR" "a"'


@pytest.mark.postgres
def test_postgres_ranks_the_newest_candidates_title_first(visitor, asker, help_desk, monkeypatch):
    start_thread(asker, help_desk, title="Vacuum tuning", body="Autovacuum settings.")
    for number in range(3):
        start_thread(asker, help_desk, title=f"Note {number}", body="Vacuum the floor.")

    assert found(visitor, "vacuum")[0] == ("Vacuum tuning", 1)
    monkeypatch.setattr(search, "CANDIDATES", 2)
    assert found(visitor, "vacuum") == [("Note 2", 1), ("Note 1", 1)]
