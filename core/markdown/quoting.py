"""quote_markdown: a post quoted in a reply."""

from __future__ import annotations

import re

_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{2,30}")


def quote_markdown(source: str, *, author_handle: str) -> str:
    """Markdown that quotes ``source`` in a reply: a "@handle wrote:" line, then every line "> ".

    Ends with a blank line so the reply typed after it starts outside the quote. Raises
    ValueError for a handle that could not be a member's (it is written into Markdown verbatim).
    """
    if not _HANDLE_RE.fullmatch(author_handle):
        raise ValueError(f"Not a handle: {author_handle!r}")
    body = source.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = [f"**@{author_handle}** wrote:", "", *body.split("\n")] if body else []
    quoted = (f"> {line}" if line else ">" for line in lines or [f"**@{author_handle}** wrote:"])
    return "\n".join(quoted) + "\n\n"
