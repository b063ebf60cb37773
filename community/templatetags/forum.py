"""Tags the forum draws on every row: {% category_chip %}, {% thread_rows %} (lists) and
{% rendered_posts %} (a thread page's posts)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from community.models import Category, Thread
from community.selectors.thread_page import PostRow
from community.selectors.threads import ThreadRow
from core.template_loaders import templates_version
from members.models import User

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
        _person(author),
        last and (last.handle, last.name),
        thread.reply_count,
        thread.view_count,
        when,
        latest_url,
        timezone.get_current_timezone_name(),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"row:{templates_version()}:{digest}"


def _render_cached(keys: list[str], contexts: list[dict[str, Any]], fragment: Any) -> list[str]:
    """`fragment` rendered with each context, read from the cache by its key when there
    (one round trip for the page), the fresh ones stored in one more."""
    cached = cache.get_many(keys)
    fresh = {
        key: fragment.render(context)
        for key, context in zip(keys, contexts, strict=True)
        if key not in cached
    }
    if fresh:
        cache.set_many(fresh, timeout=ROW_CACHE_SECONDS)
    return [cached.get(key) or fresh[key] for key in keys]


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
    rendered = _render_cached(
        keys,
        [{"row": row, "in_category": in_category, "latest_url": latest_url} for row in rows],
        template,
    )
    return mark_safe("".join(rendered))  # noqa: S308  # our own template's output, escaped there


def _person(member: User | None) -> tuple[object, ...] | None:
    """What {% avatar %} and {% author %} show of a member: name, picture, tier mark."""
    if member is None:
        return None
    tier = member.tier if member.tier_id and User.tier.is_cached(member) else None
    return (
        member.pk,
        member.handle,
        member.name,
        member.avatar_small.name,
        member.avatar_hue,
        tier and (tier.slug, tier.name),
    )


#: Stands in for the CSRF token in a cached post; the real (masked) token replaces it when
#: the page is served, so a cached post never carries another reader's token.
CSRF_PLACEHOLDER = "csrf0placeholder0e9c4f1b7a2d"


def _post_key(row: PostRow, thread: Thread, reply_url: str) -> str:
    """A key made of everything one post shows to this reader: the post (its text, edits,
    state, reactions), its author, and every flag of the row (what the reader may do to
    it, which reactions they gave). A new field on PostRow is in the key by itself."""
    post = row.post
    flags = tuple(getattr(row, name) for name in row.__dataclass_fields__ if name not in {"post"})
    shown = (
        post.pk,
        post.number,
        hashlib.blake2b(post.html.encode(), digest_size=16).hexdigest(),
        post.is_deleted,
        post.status,
        post.status_reason,
        post.edit_count,
        post.edited_at,
        post.created_at,
        naturaltime(post.created_at),
        _person(post.author),
        flags,
        thread.pk,
        thread.kind,
        reply_url,
        timezone.get_current_timezone_name(),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"post:{templates_version()}:{digest}"


@register.simple_tag(takes_context=True)
def rendered_posts(
    context: template.Context, rows: list[PostRow], thread: Thread, reply_url: str
) -> list[tuple[PostRow, SafeString]]:
    """Each row with its post's HTML (community/_post.html), rendered once and then served
    from the cache while everything it shows to this kind of reader stays the same: a thread
    page draws twenty, and readers with the same rights see the same post. Forms carry the
    reader's own CSRF token, put in when served (a visitor's posts have no forms, and then
    no token is asked for, so their page stays cacheable whole)."""
    post_template = get_template("community/_post.html")
    keys = [_post_key(row, thread, reply_url) for row in rows]
    contexts = [
        {
            "row": row,
            "post": row.post,
            "thread": thread,
            "reply_url": reply_url,
            "csrf_token": CSRF_PLACEHOLDER,
        }
        for row in rows
    ]
    pairs = zip(rows, _render_cached(keys, contexts, post_template), strict=True)
    request = getattr(context, "request", None)
    token = None
    served = []
    for row, html in pairs:
        if CSRF_PLACEHOLDER in html:
            if token is None:
                assert request is not None  # noqa: S101  # forms are shown only to a signed-in reader
                token = get_token(request)
            html = html.replace(CSRF_PLACEHOLDER, token)
        served.append((row, mark_safe(html)))  # noqa: S308  # our own template's output, escaped there
    return served
