"""Full-text search over thread titles and posts, respecting access, on both databases.

PostgreSQL: a tsvector per post (title weighted A on the opening post, body B) with a GIN
index, ranked with ts_rank, snippets from ts_headline over the rendered post.
SQLite (the embedded default): an FTS5 table `community_post_fts` (porter stemming over
unicode61 tokens) holding each post's title (opening posts only) and its plain text taken
from the rendered HTML, ranked with bm25 (title weighted above body), snippets from FTS5.

Either way a query is all of its words in any order, and ranking looks at a bounded set of
candidates: the newest CANDIDATES matching posts the viewer may see. A rare word ranks
every match; a word in half the posts costs the same as one in a thousand.

Both indexes are kept by `index_post`, which the writing services call on create, edit,
rename, delete and restore; `manage.py rebuild_search_index` rebuilds them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import CombinedExpression, RawSQL

from community import policies
from community.models import Post, Thread
from community.selectors.filters import ThreadFilters, apply_thread_filters
from members.policies import Viewer

CONFIG = "english"
#: SQL below is built from this constant and our own clauses (noqa S608/S611); every value
#: a member gives is a parameter.
FTS_TABLE = "community_post_fts"
# Snippet functions do not escape the source; they mark matches with these, we escape, then swap.
MARK_START, MARK_STOP = "\x02", "\x03"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
#: How many of the newest matching posts are ranked (issue 13: a common word stays fast).
CANDIDATES = 1000
#: bm25 column weights: a word in the title counts ten times a word in the body.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
_WORD = re.compile(r"\w+")
_BLOCKS = frozenset(
    {"p", "br", "li", "pre", "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"}
)
_BLOCKS |= {"th", "ul", "ol", "table", "hr", "figure", "figcaption", "dd", "dt"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(rendered: str) -> str:
    """A post's words as a reader sees them: the rendered HTML without its tags (code
    blocks keep their code, never their Markdown fences), on one line."""
    extractor = _TextExtractor()
    extractor.feed(rendered)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def query_words(query: str) -> list[str]:
    """The words of a member's query (at most MAX_WORDS): punctuation, quotes and FTS5
    operators (NEAR, *, ^, column filters) are never syntax, only separators."""
    return _WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


def fts_query(words: Iterable[str]) -> str:
    """An FTS5 query matching every word in any order, each a quoted string."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


# ----------------------------------------------------------------------------- indexing


def index_post(*, post_id: int) -> None:
    """Bring one post's search entry up to date: its current title and text, or no entry
    when it is deleted. Called by the services that write posts, inside their transaction."""
    index_posts([post_id])


def index_posts(post_ids: list[int]) -> None:
    """`index_post` for many posts at once (the rebuild command's batches)."""
    if not post_ids:
        return
    if settings.IS_POSTGRES:
        _index_postgres(post_ids)
    else:
        _index_sqlite(post_ids)


def _index_postgres(post_ids: list[int]) -> None:
    posts = Post.objects.filter(pk__in=post_ids)
    # Deleted, held and hidden posts are not searchable (until restored or approved).
    posts.filter(Q(is_deleted=True) | ~Q(status=Post.Status.PUBLISHED)).update(search_vector=None)
    live = posts.filter(is_deleted=False, status=Post.Status.PUBLISHED)
    body = SearchVector("source", weight="B", config=CONFIG)
    live.exclude(number=1).update(search_vector=body)
    title = Subquery(Thread.objects.filter(pk=OuterRef("thread_id")).values("title")[:1])
    vector: CombinedExpression = SearchVector(title, weight="A", config=CONFIG) + body
    live.filter(number=1).update(search_vector=vector)


def _index_sqlite(post_ids: list[int]) -> None:
    rows = (
        Post.objects.filter(pk__in=post_ids, is_deleted=False, status=Post.Status.PUBLISHED)
        .values_list("pk", "number", "html", "thread__title")
        .order_by()
    )
    entries = [
        (pk, title if number == 1 else "", plain_text(rendered))
        for pk, number, rendered, title in rows
    ]
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(post_ids))
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", list(post_ids))  # noqa: S608  # FTS_TABLE, values are parameters
        if entries:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608  # FTS_TABLE, values are parameters
                entries,
            )


def clear_index() -> None:
    """Empty the search index (the first step of a rebuild)."""
    if settings.IS_POSTGRES:
        Post.objects.exclude(search_vector=None).update(search_vector=None)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608  # FTS_TABLE, values are parameters


# ----------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class SearchFilters(ThreadFilters):
    """The thread list's filters (applied to each post's thread), plus the post's date."""

    after: date | None = None
    before: date | None = None


@dataclass(frozen=True)
class Hit:
    """One result: a post (with `snippet`) and, grouped by thread, how many more of the
    thread's posts matched."""

    post: Post
    more_matches: int


def _filtered(viewer: Viewer, filters: SearchFilters) -> QuerySet[Post]:
    posts = apply_thread_filters(
        policies.visible_posts(viewer).filter(is_deleted=False), filters, through="thread__"
    )
    if filters.after:
        posts = posts.filter(created_at__date__gte=filters.after)
    if filters.before:
        posts = posts.filter(created_at__date__lte=filters.before)
    return posts


def _candidates(viewer: Viewer, words: list[str], filters: SearchFilters) -> tuple[str, list[Any]]:
    """SQL (and its parameters) for the newest CANDIDATES matching posts the viewer may
    see, as rows (id, thread_id, score); a higher score is a better match."""
    posts = _filtered(viewer, filters)
    if settings.IS_POSTGRES:
        search_query = SearchQuery(" ".join(words), search_type="plain", config=CONFIG)
        candidates = (
            posts.filter(search_vector=search_query)
            .annotate(score=SearchRank(F("search_vector"), search_query))
            .order_by("-pk")
            .values_list("id", "thread_id", "score")[:CANDIDATES]
        )
        sql, params = candidates.query.sql_with_params()
        return sql, list(params)
    # FTS5 walks its matches newest first (rowid DESC) and stops at CANDIDATES; bm25 is
    # computed for those only. The viewer's access and the filters are a correlated check.
    allowed = posts.filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ())).values("pk")  # noqa: S611  # our own SQL, values are parameters
    allowed_sql, allowed_params = allowed.query.sql_with_params()
    sql = (
        f"SELECT {FTS_TABLE}.rowid AS id, found.thread_id AS thread_id, "  # noqa: S608  # FTS_TABLE, values are parameters
        f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "
        f"FROM {FTS_TABLE} INNER JOIN community_post found ON found.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND EXISTS ({allowed_sql}) "
        f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT {CANDIDATES}"
    )
    return sql, [fts_query(words), *allowed_params]


def _ranked_page(
    viewer: Viewer,
    words: list[str],
    filters: SearchFilters,
    *,
    group: bool,
    offset: int,
    limit: int,
) -> list[tuple[int, int]]:
    """(post id, matches in its thread) for one page of results, best first. Grouped, a
    thread appears once, by its best post. One query."""
    candidates, params = _candidates(viewer, words, filters)
    if group:
        sql = (
            "SELECT id, matches FROM (SELECT id, score, "  # noqa: S608  # FTS_TABLE, values are parameters
            "ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY score DESC, id DESC) AS place, "
            "COUNT(*) OVER (PARTITION BY thread_id) AS matches "
            f"FROM ({candidates}) candidates) best "
            "WHERE place = 1 ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"
        )
    else:
        sql = (
            f"SELECT id, 1 FROM ({candidates}) candidates "  # noqa: S608  # FTS_TABLE, values are parameters
            "ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [(int(pk), int(matches)) for pk, matches in cursor.fetchall()]


def _with_snippets(posts: QuerySet[Post], words: list[str]) -> QuerySet[Post]:
    if settings.IS_POSTGRES:
        search_query = SearchQuery(" ".join(words), search_type="plain", config=CONFIG)
        return posts.annotate(
            snippet=SearchHeadline(
                "html",
                search_query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=40,
                min_words=15,
                max_fragments=2,
            )
        )
    return posts.annotate(
        snippet=RawSQL(  # noqa: S611  # our own SQL, values are parameters
            f"SELECT snippet({FTS_TABLE}, 1, char(2), char(3), '…', 32) FROM {FTS_TABLE} "  # noqa: S608  # FTS_TABLE, values are parameters
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = community_post.id",
            (fts_query(words),),
        )
    )


def search_posts(
    *,
    viewer: Viewer,
    query: str,
    filters: SearchFilters,
    group: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> list[Hit]:
    """Posts the viewer may see that match every word of `query`, best first, each with
    its `snippet`; grouped by thread, one per thread. Two queries (one when nothing
    matches), none for a query without words."""
    words = query_words(query)
    if not words:
        return []
    page = _ranked_page(viewer, words, filters, group=group, offset=offset, limit=limit)
    if not page:
        return []
    posts = _with_snippets(
        Post.objects.filter(pk__in=[pk for pk, _ in page])
        .select_related("thread", "thread__category", "author")
        .defer("search_vector"),
        words,
    ).in_bulk()
    return [Hit(post=posts[pk], more_matches=matches - 1) for pk, matches in page if pk in posts]


def snippet_html(post: Post) -> str:
    """Safe HTML for a result: an escaped excerpt of the post's text with the matches in
    <mark> (the snippet functions read rendered HTML or plain text: entities are decoded
    once, then everything is escaped)."""
    raw = getattr(post, "snippet", "") or ""
    text = " ".join((html.unescape(raw) if settings.IS_POSTGRES else raw).split())
    escaped = html.escape(text)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
