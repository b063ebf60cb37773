"""User Markdown to safe HTML: the one place posts, replies and bios become markup.

Pipeline: markdown-it (CommonMark, raw HTML off, GFM tables, strikethrough, autolinks and task
lists) → our token rules (mentions, heading demotion, table alignment, image policy) → Pygments
for fenced code → nh3 with an explicit allow-list. The sanitiser is the security boundary: the
earlier stages keep the output tidy, nh3 guarantees it is safe whatever they emit.

The parts live in submodules: token_rules (our markdown-it rules), autolinks, highlighting
(Pygments), parser (markdown-it, built once), sanitising (nh3), rendering and quoting.
"""

from core.markdown.highlighting import build_code_css
from core.markdown.quoting import quote_markdown
from core.markdown.rendering import RenderedMarkdown, render_markdown
from core.markdown.sanitising import _SANITISER as _SANITISER

__all__ = ["RenderedMarkdown", "build_code_css", "quote_markdown", "render_markdown"]
