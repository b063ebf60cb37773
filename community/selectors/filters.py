"""The one set of thread filters, shared by thread lists (pages and API) and search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet

from community.models import Thread
from members.selectors import members_with_handle

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ThreadFilters:
    """What narrows a set of threads (or of their posts). Empty values mean "any"."""

    category: str = ""
    topic: str = ""
    author: str = ""
    kind: str = ""
    solved: bool | None = None

    @property
    def is_narrowed(self) -> bool:
        """Narrowed beyond a category: lists then keep pinned threads in their place."""
        return bool(self.topic or self.author or self.kind or self.solved is not None)


#: No narrowing (a frozen instance, safe as a default argument).
NO_FILTERS = ThreadFilters()


def apply_thread_filters(
    rows: QuerySet[M], filters: ThreadFilters, *, through: str = ""
) -> QuerySet[M]:
    """`rows` narrowed by `filters`. `through` is the path from the rows to their thread:
    "" for threads, "thread__" for posts. The author is the rows' own (who started the
    thread, who wrote the post), matched by handle in any letter case through the
    case-insensitive handle index (one subquery, not a join on UPPER())."""
    if filters.category:
        rows = rows.filter(**{f"{through}category__slug": filters.category})
    if filters.topic:
        rows = rows.filter(**{f"{through}topics__slug": filters.topic})
    if filters.author:
        # The rows' own author: a thread's starter, or a post's writer in search.
        rows = rows.filter(author__in=members_with_handle(filters.author.lstrip("@")).values("pk"))
    if filters.kind:
        rows = rows.filter(**{f"{through}kind": filters.kind})
    if filters.solved is not None:
        rows = rows.filter(
            **{
                f"{through}kind": Thread.Kind.QUESTION,
                f"{through}solution__isnull": not filters.solved,
            }
        )
    return rows
