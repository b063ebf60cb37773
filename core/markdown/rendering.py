"""render_markdown: parse, apply our rules, highlight, sanitise."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.utils import EnvType

from core.markdown.parser import _MARKDOWN
from core.markdown.sanitising import _SANITISER
from core.markdown.token_rules import MentionUrl, _Context


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """A post as sanitised HTML plus the @handles it mentions (lower-cased, first-seen order)."""

    html: str
    mentions: tuple[str, ...]


def render_markdown(source: str, *, mention_url: MentionUrl | None = None) -> RenderedMarkdown:
    """Render member-written Markdown to HTML that is safe to mark safe in a template.

    Raw HTML shows as text; links keep only http, https and mailto and all carry
    rel="nofollow ugc noopener"; only Hearth's own images are embedded (any other becomes a
    link, see core.markdown.images); headings start at h3. Handles for which
    mention_url (called once per distinct lower-cased handle) returns a URL become
    <a class="mention"> links; every handle outside code and links is listed in ``mentions``.
    """
    context = _Context(mention_url=mention_url)
    env: EnvType = {"hearth": context}
    tokens = _MARKDOWN.parse(source, env)
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    return RenderedMarkdown(html=_SANITISER.clean(html), mentions=tuple(context.mentions))
