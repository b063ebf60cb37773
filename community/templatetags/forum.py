"""Tags the forum's lists draw on every row: {% category_chip %} and {% thread_rows %}."""

from __future__ import annotations

import hashlib

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from community.models import Category
from community.selectors.threads import ThreadRow

register = template.Library()


@register.simple_tag
def category_chip(category: Category) -> SafeString:
    """A category's name with its colour as a small swatch (the name keeps the text colour,
    for contrast), linking to the category."""
    return format_html(
        '<a class="category-chip" href="{}" style="--category-colour: {}">{}</a>',
        category.get_absolute_url(),
        category.colour,
        category.name,
    )


#: A rendered thread row is kept this long (its key changes whenever what it shows does).
ROW_CACHE_SECONDS = 3600


def _row_key(row: ThreadRow, *, in_category: bool, latest_url: str, when: str) -> str:
    """A key made of everything the row shows: a changed title, count, author name,
    avatar, unread state, relative time or time zone makes a new key, so a cached row is
    never stale and never another reader's."""
    thread = row.thread
    author, last, category = thread.author, thread.last_poster, thread.category
    shown = (
        row.url,
        row.unread_url,
        row.is_new,
        row.has_unread,
        row.unread_count,
        row.reason,
        thread.title,
        thread.is_pinned_globally,
        thread.is_pinned and in_category,
        thread.is_locked,
        thread.kind,
        thread.solution_id is not None,
        None if in_category else (category.slug, category.name, category.colour),
        [(t.slug, t.name) for t in thread.topics.all()],
        author and (author.handle, author.name, author.avatar_small.name, author.avatar_hue),
        last and (last.handle, last.name),
        thread.reply_count,
        thread.view_count,
        when,
        latest_url,
        timezone.get_current_timezone_name(),
    )
    return "row:v1:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


@register.simple_tag
def thread_rows(
    rows: list[ThreadRow], in_category: object = None, latest_url: str = ""
) -> SafeString:
    """The rows of a thread list, each rendered once and then served from the cache while
    everything it shows stays the same (a list page draws thirty; most are unchanged
    between two readers)."""
    template = get_template("community/_thread_row.html")
    keys = [
        _row_key(
            row,
            in_category=bool(in_category),
            latest_url=latest_url,
            when=naturaltime(row.thread.last_activity_at),
        )
        for row in rows
    ]
    cached = cache.get_many(keys)
    rendered = []
    fresh = {}
    for key, row in zip(keys, rows, strict=True):
        html = cached.get(key)
        if html is None:
            html = template.render(
                {"row": row, "in_category": in_category, "latest_url": latest_url}
            )
            fresh[key] = html
        rendered.append(html)
    if fresh:
        cache.set_many(fresh, timeout=ROW_CACHE_SECONDS)
    return mark_safe("".join(rendered))  # noqa: S308  # our own template's output, escaped there
