"""GFM autolinks for http(s), mailto and www. URLs, in linear time."""

from __future__ import annotations

import re

from markdown_it.rules_inline import StateInline

# The plugin's own URL matchers (GFM's rules, ported from the Rust gfm_autolinks crate).
from mdit_py_plugins.gfm_autolink._match import check_prev, match_any_email, match_http, match_www

# These replace mdit-py-plugins' GFM protocol and www rules (its email rule stays). Its protocol
# rule regex-scans all pending text at every ":" (50k characters of "a:" took 16 s) and drops
# the scheme word when validateLink refuses the link ("xmpp:a@b.c" lost its "xmpp").

_AUTOLINK_MAX = 2_048
_URL_RUN_RE = re.compile(r"[^ \t\r\n\x00\x0b\x0c<]*")
_SCHEME_TAIL_RE = re.compile(r"(https?|mailto)\Z")


def _url_run(state: StateInline, start: int) -> str | None:
    """The text from start to the next space or "<", or None when too long to autolink."""
    run = _URL_RUN_RE.match(state.src, start, state.posMax)
    end = run.end() if run else start
    return state.src[start:end] if end - start <= _AUTOLINK_MAX else None


def _protocol_autolink(state: StateInline, silent: bool) -> bool:
    """An http(s) or mailto URL, found at the ":" that follows its scheme in the pending text."""
    if silent or state.linkLevel > 0 or state.src[state.pos] != ":":
        return False
    scheme = _SCHEME_TAIL_RE.search(state.pending[-6:])  # len("mailto"): constant work per ":"
    if scheme is None:
        return False
    name = scheme.group(1)
    start = state.pos - len(name)
    if start < 0 or (start > 0 and not check_prev(state.src[start - 1])):
        return False
    candidate = _url_run(state, start)
    if candidate is None or not candidate.startswith(f"{name}:"):
        return False
    if name == "mailto":
        found = match_any_email(candidate, len(name) + 1, name)
    else:
        found = match_http(candidate)
    return found is not None and _push_autolink(state, found, candidate, len(name))


def _www_autolink(state: StateInline, silent: bool) -> bool:
    """A bare www. URL, when it starts after a space, "(" or an emphasis marker."""
    position = state.pos
    if silent or state.linkLevel > 0 or not state.src.startswith("www.", position):
        return False
    previous = state.pending[-1:] or state.src[position - 1 : position]
    if previous and not check_prev(previous):
        return False
    candidate = _url_run(state, position)
    found = match_www(candidate) if candidate else None
    return found is not None and _push_autolink(state, found, candidate or "", 0)


def _push_autolink(
    state: StateInline, found: tuple[str, int], candidate: str, scanned_back: int
) -> bool:
    url, length = found
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    if scanned_back:
        state.pending = state.pending[:-scanned_back]
    state.push("link_open", "a", 1).attrs = {"href": href}
    state.push("text", "", 0).content = state.md.normalizeLinkText(candidate[:length])
    state.push("link_close", "a", -1)
    state.pos += length - scanned_back
    return True
