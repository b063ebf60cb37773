"""Tags that draw a member: {% avatar member "md" %}, {% author member %} and
{% tier_mark member %}.

Lists draw them on every row; as tags (not includes) they cost a function call each. The
tier mark beside a name shows where the page's selector loaded the member's tier
(select_related("author__tier")): it never costs a query of its own.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.icons import icon
from members.models import User

register = template.Library()


@register.simple_tag
def avatar(member: User | None, size: str = "sm") -> SafeString:
    """A member's picture, or their initials on a colour picked from the handle; a neutral
    silhouette for a former member (None). Decorative: the name is always written beside
    it. Only the xl size reads the full-size image, so lists that load avatar_small cost
    no extra query."""
    size = size or "sm"
    if member is None:
        return format_html(
            '<span class="avatar avatar-{} avatar-former" aria-hidden="true">{}</span>',
            size,
            icon("user"),
        )
    if size == "xl" and member.avatar:
        return format_html(
            '<img class="avatar avatar-xl" src="{}" alt="" width="256" height="256">',
            member.avatar.url,
        )
    if member.avatar_small:
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="" width="64" height="64" loading="lazy">',
            size,
            member.avatar_small.url,
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-initials" style="--hue: {}" aria-hidden="true">{}'
        "</span>",
        size,
        member.avatar_hue,
        member.initials,
    )


@cache
def _tiers_url() -> str:
    return reverse("members:tiers")


@register.simple_tag
def tier_mark(member: User | None) -> SafeString:
    """The member's tier as a small mark that explains itself (a title, and a link to the
    tiers page), when the page loaded their tier; nothing otherwise."""
    if member is None or member.tier_id is None or not User.tier.is_cached(member):
        return mark_safe("")  # a constant
    tier = member.tier
    if tier is None:
        return mark_safe("")  # a constant
    return format_html(
        '<a class="tier-mark" href="{}#tier-{}" title="{} tier: what tiers are and how '
        'members reach them">{}</a>',
        _tiers_url(),
        tier.slug,
        tier.name,
        tier.name,
    )


@register.simple_tag
def author(member: User | None) -> SafeString:
    """A member's name linking to their profile, or "former member" (no link), with their
    tier mark when the page loaded their tier."""
    if member is None:
        return mark_safe('<span class="former-member">former member</span>')  # a constant
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("members:profile", args=[member.handle]),
        member.name,
        tier_mark(member),
    )
