"""Filters for showing stored post HTML."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: A code block's opening tag, as core.markdown writes it (the sanitiser lets no other
#: attribute through, and member text cannot make a tag: it is escaped).
_PRE = re.compile(r"<pre( class=\"highlight\")?>")
_SCROLLABLE = ' tabindex="0" role="region" aria-label="Code"'


@register.filter
def scrollable_code(html: str) -> SafeString:
    """Stored post HTML (sanitised at save time) with each code block made reachable from
    the keyboard: a code block scrolls sideways, and a phone's keyboard user can only scroll
    what can take the focus (WCAG 2.1.1). Done when showing, so every stored post gets it."""
    return mark_safe(_PRE.sub(lambda match: f"<pre{match.group(1) or ''}{_SCROLLABLE}>", html))  # noqa: S308  # sanitised HTML plus fixed attributes
