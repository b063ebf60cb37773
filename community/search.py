"""Full-text search over thread titles and posts, respecting access.

On PostgreSQL: a tsvector per post (title weighted A on the opening post, body B) with a
GIN index, ranked with ts_rank and highlighted with ts_headline. On SQLite: a working
fallback that matches every word as a substring and cuts a snippet around the first hit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression

from community import policies
from community.models import Post
from community.selectors.filters import ThreadFilters, apply_thread_filters
from members.policies import Viewer

CONFIG = "english"
# ts_headline does not escape the source; it marks matches with these, we escape, then swap.
MARK_START, MARK_STOP = "\x02", "\x03"
MAX_QUERY_LENGTH = 200
SNIPPET_RADIUS = 90


def index_post(*, post_id: int) -> None:
    """Recompute one post's search vector (PostgreSQL only; a no-op elsewhere)."""
    if not settings.IS_POSTGRES:
        return
    post = (
        Post.objects.select_related("thread")
        .only("number", "is_deleted", "status", "thread__title")
        .get(pk=post_id)
    )
    if post.is_deleted or post.status != Post.Status.PUBLISHED:
        Post.objects.filter(pk=post_id).update(search_vector=None)
        return
    vector: SearchVector | CombinedExpression = SearchVector("source", weight="B", config=CONFIG)
    if post.number == 1:
        vector = SearchVector(Value(post.thread.title), weight="A", config=CONFIG) + vector
    Post.objects.filter(pk=post_id).update(search_vector=vector)


@dataclass(frozen=True)
class SearchFilters(ThreadFilters):
    """The thread list's filters (applied to each post's thread), plus the post's date."""

    after: date | None = None
    before: date | None = None


def _filtered(viewer: Viewer, filters: SearchFilters) -> QuerySet[Post]:
    posts = apply_thread_filters(
        policies.visible_posts(viewer).filter(is_deleted=False), filters, through="thread__"
    )
    if filters.after:
        posts = posts.filter(created_at__date__gte=filters.after)
    if filters.before:
        posts = posts.filter(created_at__date__lte=filters.before)
    return posts


def search_posts(*, viewer: Viewer, query: str, filters: SearchFilters) -> QuerySet[Post]:
    """Posts the viewer may see that match `query`, best first, each with a `snippet`.

    The caller slices the result (a page); the cost is one query for the page.
    """
    text = " ".join(query.split())[:MAX_QUERY_LENGTH]
    posts = _filtered(viewer, filters).select_related("thread", "thread__category", "author")
    if not text:
        return posts.none()
    if settings.IS_POSTGRES:
        search_query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return (
            posts.filter(search_vector=search_query)
            .annotate(
                rank=SearchRank(F("search_vector"), search_query),
                snippet=SearchHeadline(
                    "source",
                    search_query,
                    config=CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                ),
            )
            .order_by("-rank", "-created_at")
            .defer("search_vector")
        )
    words = [w for w in re.split(r"\W+", text) if w][:8]
    for word in words:
        posts = posts.filter(Q(source__icontains=word) | Q(number=1, thread__title__icontains=word))
    return (
        posts.order_by("-created_at")
        .defer("search_vector")
        .annotate(snippet=Value(""), rank=Value(0.0))
    )


def snippet_html(post: Post, query: str) -> str:
    """Safe HTML for a result: an escaped excerpt with the matches in <mark>."""
    raw = getattr(post, "snippet", "") or ""
    if raw:
        escaped = html.escape(raw)
        return escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return _fallback_snippet(post.source, query)


def _fallback_snippet(source: str, query: str) -> str:
    words = [w for w in re.split(r"\W+", query) if w]
    if not words:
        return html.escape(source[: SNIPPET_RADIUS * 2])
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    match = pattern.search(source)
    start = max((match.start() if match else 0) - SNIPPET_RADIUS, 0)
    excerpt = (
        source[start : start + SNIPPET_RADIUS * 2].replace(MARK_START, "").replace(MARK_STOP, "")
    )
    marked = pattern.sub(lambda m: MARK_START + m.group(0) + MARK_STOP, excerpt)
    escaped = html.escape(marked).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    more = start + SNIPPET_RADIUS * 2 < len(source)
    return ("…" if start else "") + escaped + ("…" if more else "")
