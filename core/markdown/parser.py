"""The markdown-it parser, configured and built once (it is shared; per-call state is in env)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from core.markdown.autolinks import _protocol_autolink, _www_autolink
from core.markdown.highlighting import _render_fence
from core.markdown.sanitising import _LINK_SCHEMES
from core.markdown.token_rules import _forum_rules

_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.\-]*):")


class _ForumMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's method name)
        """Allow relative links and the http, https and mailto schemes; nothing else."""
        scheme = _SCHEME_RE.match(url.strip().lower())
        return scheme is None or scheme.group(1) in _LINK_SCHEMES


_MARKDOWN = (
    _ForumMarkdown("commonmark", {"html": False, "xhtmlOut": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(gfm_autolink_plugin)
)
_MARKDOWN.inline.ruler.at("gfm_autolink_protocol", _protocol_autolink)
_MARKDOWN.inline.ruler.at("gfm_autolink_www", _www_autolink)
# Before text_join, so escapes and entities ("\@ada") are still separate tokens.
_MARKDOWN.core.ruler.before("text_join", "hearth_forum_rules", _forum_rules)
_MARKDOWN.add_render_rule("fence", _render_fence)
