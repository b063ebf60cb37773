"""Which images a post may embed: Hearth's own files only.

An <img> pointing at another host makes every reader's browser ask that host for it, and the
writer who chose the host learns the address and the time of everyone who read the post (a
tracking pixel). So only images served by Hearth itself (under MEDIA_URL or STATIC_URL) are
embedded; any other image becomes a plain link that a reader may choose to follow. Nothing is
fetched on the server either, so no post can make Hearth reach a private address.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings

#: Characters browsers strip or reinterpret inside URLs ("/\\evil" and "/\t/evil" are both
#: read as "//evil", another host): a source holding any of them is not ours.
_AMBIGUOUS = re.compile(r"[\x00-\x20\x7f\\]")


def _own_prefixes() -> list[str]:
    return [prefix for prefix in (settings.MEDIA_URL, settings.STATIC_URL) if prefix]


def is_own_image(source: str) -> bool:
    """Whether `source` is a file Hearth serves itself: a path under MEDIA_URL or
    STATIC_URL (or under their full URL when media lives on a storage host), with no
    "." or ".." segment (plain or percent-encoded) that could climb out of it."""
    if _AMBIGUOUS.search(source):
        return False
    # Browsers read "%2e%2e" as ".." when they resolve a path, so look at the decoded one.
    path = unquote(source.split("?", 1)[0].split("#", 1)[0])
    if any(segment in (".", "..") for segment in path.split("/")):
        return False
    parts = urlsplit(source)
    for prefix in _own_prefixes():
        if not source.startswith(prefix):
            continue
        if prefix.startswith("/") and not prefix.startswith("//"):
            return not parts.scheme and not parts.netloc  # a path on this very site
        prefix_parts = urlsplit(prefix)
        return (parts.scheme, parts.netloc) == (prefix_parts.scheme, prefix_parts.netloc)
    return False
