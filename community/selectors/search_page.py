"""The search screen: one page of results with their snippets, for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from community import search
from community.models import Category, Post
from community.selectors.categories import list_categories
from core.models import Topic
from members.policies import Viewer

RESULTS_PER_PAGE = 20
MAX_PAGES = 20


@dataclass(frozen=True)
class SearchResultRow:
    """A post found by search: a link to it and a safe snippet with the matches marked."""

    post: Post
    url: str
    snippet_html: str
    is_solution: bool
    #: Grouped by thread: how many other posts of the thread match too.
    more_matches: int = 0


@dataclass(frozen=True)
class SearchScreen:
    """Everything the search page and its API twin show.

    `rows` is empty when there is no query; grouped, a thread appears once, by its best
    post, with how many more of its posts match. `categories` and `topics` fill the filter form:
    lazy querysets that the page reads and the API, which has no form, never does.
    """

    query: str
    filters: search.SearchFilters
    grouped: bool
    page: int
    rows: list[SearchResultRow]
    has_next: bool
    categories: QuerySet[Category]
    topics: QuerySet[Topic]

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def get_search_screen(
    *,
    viewer: Viewer,
    query: str,
    filters: search.SearchFilters,
    page: int = 1,
    grouped: bool = True,
) -> SearchScreen:
    """Page `page` (1 to MAX_PAGES, clamped) of the posts the viewer may see that match
    every word of `query`, best first; grouped by thread (one entry per thread) or not.
    Two queries for the results (one when nothing matches), plus, on the page, the filter
    choices."""
    number = min(max(page, 1), MAX_PAGES)
    rows: list[SearchResultRow] = []
    has_next = False
    text = query.strip()
    if text:
        hits = search.search_posts(
            viewer=viewer,
            query=text,
            filters=filters,
            group=grouped,
            offset=(number - 1) * RESULTS_PER_PAGE,
            limit=RESULTS_PER_PAGE + 1,
        )
        has_next = len(hits) > RESULTS_PER_PAGE and number < MAX_PAGES
        rows = [
            SearchResultRow(
                post=hit.post,
                url=hit.post.get_absolute_url(),
                snippet_html=search.snippet_html(hit.post),
                is_solution=hit.post.pk == hit.post.thread.solution_id,
                more_matches=hit.more_matches,
            )
            for hit in hits[:RESULTS_PER_PAGE]
        ]
    return SearchScreen(
        query=text,
        filters=filters,
        grouped=grouped,
        page=number,
        rows=rows,
        has_next=has_next,
        categories=list_categories(viewer=viewer),
        topics=Topic.objects.only("slug", "name"),
    )
