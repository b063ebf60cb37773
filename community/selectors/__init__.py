"""Reads for forum pages and the API. A page costs a fixed number of queries.

The reads live in submodules by subdomain (threads, categories, thread_page, feeds, profiles);
this package re-exports them, so callers keep writing `selectors.list_threads(...)`. Tuning
constants (THREADS_PER_PAGE, FOR_YOU_SIZE…) stay in their submodule: patch them there.
"""

from community.selectors.categories import (
    find_category,
    get_category,
    is_watching_category,
    list_categories,
    list_topics,
    topic_name,
)
from community.selectors.feeds import Recommendation, for_you
from community.selectors.profiles import (
    export_posts,
    export_threads,
    recent_posts_by,
    recent_threads_by,
)
from community.selectors.thread_page import (
    ReaderState,
    ThreadPage,
    first_unread_number,
    get_post,
    get_quotable_post,
    get_reader_state,
    get_thread,
    get_thread_page,
    list_post_revisions,
    page_count,
    reactions_given,
)
from community.selectors.threads import (
    ListFilter,
    ThreadFilters,
    ThreadListPage,
    list_threads,
    read_numbers,
)

__all__ = [
    "ListFilter",
    "ReaderState",
    "Recommendation",
    "ThreadFilters",
    "ThreadListPage",
    "ThreadPage",
    "export_posts",
    "export_threads",
    "find_category",
    "first_unread_number",
    "for_you",
    "get_category",
    "get_post",
    "get_quotable_post",
    "get_reader_state",
    "get_thread",
    "get_thread_page",
    "is_watching_category",
    "list_categories",
    "list_post_revisions",
    "list_threads",
    "list_topics",
    "page_count",
    "reactions_given",
    "read_numbers",
    "recent_posts_by",
    "recent_threads_by",
    "topic_name",
]
