"""The nh3 allow-list: the security boundary, safe whatever the earlier stages emit."""

from __future__ import annotations

import nh3

# Pygments ships no type information and types-Pygments is not in requirements-dev.txt.
from pygments.lexers import get_all_lexers
from pygments.token import STANDARD_TYPES

from core.markdown.images import is_own_image

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_REL = "nofollow ugc noopener"
_ALIGNMENTS = frozenset({"left", "center", "right"})

_PYGMENTS_CLASSES = frozenset(css_class for css_class in STANDARD_TYPES.values() if css_class)
_LANGUAGE_CLASSES = frozenset(
    f"language-{aliases[0]}" for _name, aliases, _files, _mimes in get_all_lexers() if aliases
)
_ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li"),
        *("em", "strong", "del", "s", "code", "pre", "span", "a", "img", "input"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # url_schemes applies to every URL attribute; images are stricter: only Hearth's own
    # files, so a reader's browser never contacts a host the writer chose (a tracking pixel).
    if tag == "img" and attribute == "src" and not is_own_image(value):
        return None
    return value


_SANITISER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    attributes={
        "*": set(),  # no generic attributes: nh3 would otherwise allow lang and title everywhere
        "a": {"href", "title"},
        "img": {"src", "alt", "title"},
        "ol": {"start"},
        "input": {"checked", "disabled"},
    },
    allowed_classes={
        "a": {"mention"},
        "span": set(_PYGMENTS_CLASSES),
        "pre": {"highlight"},
        "code": set(_LANGUAGE_CLASSES),
        "ul": {"contains-task-list"},
        "ol": {"contains-task-list"},
        "li": {"task-list-item"},
        "input": {"task-list-item-checkbox"},
    },
    tag_attribute_values={"th": {"align": set(_ALIGNMENTS)}, "td": {"align": set(_ALIGNMENTS)}},
    # Replaces whatever arrives, so an <input> can only ever be a checkbox. One forced attribute
    # per tag: nh3 appends forced attributes in hash order, and stored HTML should be stable.
    set_tag_attribute_values={"img": {"loading": "lazy"}, "input": {"type": "checkbox"}},
    attribute_filter=_filter_attribute,
    url_schemes=set(_LINK_SCHEMES),
    link_rel=_REL,
    strip_comments=True,
)
