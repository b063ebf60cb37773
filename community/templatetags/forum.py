"""Tags the forum's lists draw on every row: {% category_chip category %}."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from community.models import Category

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
