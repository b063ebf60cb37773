"""{% icon "name" %}: one of the site's icons, a reference into one cached SVG sprite.

The sprite (static/img/icons.svg) is fetched once and cached by the browser; each icon on a
page costs one short <svg><use></svg> and no template include (a page draws dozens).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=1)
def icon_names() -> frozenset[str]:
    """The ids of the sprite's symbols."""
    sprite = (settings.BASE_DIR / "static" / "img" / "icons.svg").read_text()
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))


@lru_cache(maxsize=1)
def sprite_url() -> str:
    """The sprite's URL (hashed by the static files storage in production)."""
    return static("img/icons.svg")


@register.simple_tag
def icon(name: str, class_name: str = "") -> SafeString:
    """A decorative icon (hidden from assistive technology; label the control instead)."""
    symbol = name if name in icon_names() else "dot"
    return format_html(
        '<svg class="icon{}" aria-hidden="true"><use href="{}#{}"/></svg>',
        f" {class_name}" if class_name else "",
        sprite_url(),
        symbol,
    )
