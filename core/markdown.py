"""User Markdown to safe HTML: the one place posts, replies and bios become markup.

Pipeline: markdown-it (CommonMark, raw HTML off, GFM tables, strikethrough, autolinks and task
lists) → our token rules (mentions, heading demotion, table alignment, image policy) → Pygments
for fenced code → nh3 with an explicit allow-list. The sanitiser is the security boundary: the
earlier stages keep the output tidy, nh3 guarantees it is safe whatever they emit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

# The plugin's own URL matchers (GFM's rules, ported from the Rust gfm_autolinks crate).
from mdit_py_plugins.gfm_autolink._match import check_prev, match_any_email, match_http, match_www

# Pygments ships no type information and types-Pygments is not in requirements-dev.txt.
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters.html import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_all_lexers, get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

__all__ = ["RenderedMarkdown", "build_code_css", "quote_markdown", "render_markdown"]

MentionUrl = Callable[[str], str | None]

#: A mention: not glued to a word or another "@" on the left (so a@b.com is an email), and not
#: running on into more handle characters or a second "@" (so @ada@mastodon.social is not @ada).
_MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{2,30})(?![A-Za-z0-9_@])")
_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{2,30}")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.\-]*):")
_LANGUAGE_RE = re.compile(r"[\w+#.\-]{1,40}")
_TASK_RE = re.compile(r"\[([ xX])\](?=[ \t]|$)")

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_REL = "nofollow ugc noopener"
_ALIGNMENTS = frozenset({"left", "center", "right"})
#: Pygments' regex lexers have had catastrophic-backtracking bugs; this bounds the time one
#: pasted log can cost at save time. Larger blocks are shown as plain escaped text.
_HIGHLIGHT_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """A post as sanitised HTML plus the @handles it mentions (lower-cased, first-seen order)."""

    html: str
    mentions: tuple[str, ...]


@dataclass(slots=True)
class _Context:
    """Per-call state carried through markdown-it's env (the parser itself is shared)."""

    mention_url: MentionUrl | None
    mentions: dict[str, None] = field(default_factory=dict)
    urls: dict[str, str | None] = field(default_factory=dict)

    def url_for(self, handle: str) -> str | None:
        if self.mention_url is None:
            return None
        if handle not in self.urls:  # one lookup per distinct handle, however often it appears
            self.urls[handle] = self.mention_url(handle)
        return self.urls[handle]


class _ForumMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's method name)
        """Allow relative links and the http, https and mailto schemes; nothing else."""
        scheme = _SCHEME_RE.match(url.strip().lower())
        return scheme is None or scheme.group(1) in _LINK_SCHEMES


# --- Token rules -------------------------------------------------------------------------------


def _forum_rules(state: StateCore) -> None:
    """Demote headings, align cells, mark task items, then walk each run of inline content."""
    context = state.env.get("hearth")
    tokens = state.tokens
    open_lists: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            # The page owns h1 and h2: "#" becomes h3, "##" h4, and the rest stop at h6.
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        elif token.type in ("th_open", "td_open"):
            _align_cell(token)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            open_lists.append(token)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            open_lists.pop()
        elif token.type == "inline" and token.children and isinstance(context, _Context):
            if open_lists and index >= 2 and tokens[index - 2].type == "list_item_open":
                _mark_task_item(token.children, tokens[index - 2], open_lists[-1])
            token.children = _walk_inline(token.children, context)


def _mark_task_item(children: list[Token], item: Token, parent_list: Token) -> None:
    # Our own task-list rule: mdit-py-plugins' one scans back for the parent list from every
    # item, which is quadratic (6,000 items took 3 s); here the open lists are a stack.
    first = children[0]
    marker = _TASK_RE.match(first.content) if first.type == "text" else None
    if marker is None:
        return
    first.content = first.content[3:]
    checkbox = Token("html_inline", "", 0)
    checked = " checked" if marker.group(1) != " " else ""
    checkbox.content = f'<input class="task-list-item-checkbox" type="checkbox"{checked} disabled>'
    children.insert(0, checkbox)
    item.attrSet("class", "task-list-item")
    parent_list.attrSet("class", "contains-task-list")


def _align_cell(token: Token) -> None:
    # markdown-it emits style="text-align:x"; align= survives a CSP that forbids inline styles.
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrSet("align", style.removeprefix("text-align:"))


def _walk_inline(children: list[Token], context: _Context) -> list[Token]:
    result: list[Token] = []
    link_depth = 0
    for index, child in enumerate(children):
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        if child.type == "image":
            result.extend(_image_or_link(child, inside_link=link_depth > 0))
        elif child.type == "text" and link_depth == 0 and "@" in child.content:
            before = _edge_char(children, index - 1, last=True)
            after = _edge_char(children, index + 1, last=False)
            result.extend(_split_mentions(child, before, after, context))
        else:
            result.append(child)
    return result


def _edge_char(children: list[Token], index: int, *, last: bool) -> str:
    """The neighbouring character, so "\\@ada" or "x&#95;@ada" are not mentions."""
    if not 0 <= index < len(children):
        return ""
    neighbour = children[index]
    if neighbour.type not in ("text", "text_special") or not neighbour.content:
        return ""
    return neighbour.content[-1] if last else neighbour.content[0]


def _split_mentions(token: Token, before: str, after: str, context: _Context) -> list[Token]:
    text = token.content
    scanned = before + text + after
    offset = len(before)
    pieces: list[Token] = []
    position = 0
    for match in _MENTION_RE.finditer(scanned):
        start, end = match.start() - offset, match.end() - offset
        if start < 0 or end > len(text):
            continue
        handle = match.group(1).lower()
        context.mentions.setdefault(handle, None)
        url = context.url_for(handle)
        if url is None:
            continue
        if start > position:
            pieces.append(_text(text[position:start]))
        pieces.extend(_link(url, text[start:end], css_class="mention"))
        position = end
    if not pieces:
        return [token]
    if position < len(text):
        pieces.append(_text(text[position:]))
    return pieces


def _image_or_link(image: Token, *, inside_link: bool) -> list[Token]:
    """Keep https images; any other source becomes a plain link (or its alt text inside one)."""
    source = str(image.attrGet("src") or "")
    if source[:8].lower() == "https://":
        return [image]
    alt = "".join(child.content for child in image.children or ())
    if inside_link:
        return [_text(alt)]
    return _link(source, alt or source)


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(href: str, content: str, *, css_class: str | None = None) -> list[Token]:
    attrs: dict[str, str | int | float] = {"href": href}
    if css_class:
        attrs["class"] = css_class
    return [Token("link_open", "a", 1, attrs=attrs), _text(content), Token("link_close", "a", -1)]


# --- Autolinks ---------------------------------------------------------------------------------
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


# --- Code blocks -------------------------------------------------------------------------------

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer_for(language: str) -> Any | None:
    if not _LANGUAGE_RE.fullmatch(language):
        return None
    try:
        # Keep every character: no stripping of leading/trailing newlines, no added newline.
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _render_fence(
    self: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    code = tokens[idx].content
    info = unescapeAll(tokens[idx].info).strip()
    lexer = _lexer_for(info.split(maxsplit=1)[0].lower()) if info else None
    # Pygments drops a leading BOM; such a block (and a huge one) is shown plain instead.
    if lexer is None or not code or len(code) > _HIGHLIGHT_LIMIT or code[0] == "\ufeff":
        return f"<pre><code>{escapeHtml(code)}</code></pre>\n"
    body = str(highlight(code, lexer, _FORMATTER))
    language = lexer.aliases[0] if lexer.aliases else "text"
    return f'<pre class="highlight"><code class="language-{language}">{body}</code></pre>\n'


# --- Parser and sanitiser, built once ----------------------------------------------------------

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
    # url_schemes applies to every URL attribute; images are stricter: https only, so a post
    # never triggers a mixed-content warning or an unencrypted request from a reader.
    if tag == "img" and attribute == "src" and value[:8].lower() != "https://":
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


# --- Public API --------------------------------------------------------------------------------


def render_markdown(source: str, *, mention_url: MentionUrl | None = None) -> RenderedMarkdown:
    """Render member-written Markdown to HTML that is safe to mark safe in a template.

    Raw HTML shows as text; links keep only http, https and mailto and all carry
    rel="nofollow ugc noopener"; images need https; headings start at h3. Handles for which
    mention_url (called once per distinct lower-cased handle) returns a URL become
    <a class="mention"> links; every handle outside code and links is listed in ``mentions``.
    """
    context = _Context(mention_url=mention_url)
    env: EnvType = {"hearth": context}
    tokens = _MARKDOWN.parse(source, env)
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    return RenderedMarkdown(html=_SANITISER.clean(html), mentions=tuple(context.mentions))


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


def build_code_css() -> str:
    """The Pygments colours for ``static/css/code.css``: "default" light, "github-dark" dark.

    Not used at runtime: the file is committed, and a test fails when it drifts from this (for
    example after a Pygments upgrade). Dark follows hearth.css: the system preference unless
    the member picked light, or data-theme="dark".
    """
    light = HtmlFormatter(style="default")
    dark = HtmlFormatter(style="github-dark")
    system_dark = ':root:not([data-theme="light"]) .highlight'
    chosen_dark = ':root[data-theme="dark"] .highlight'

    def dark_rules(prefix: str) -> str:
        # Reset what the light rules set, so no light-only bold, italic or border leaks through.
        reset = (
            f"{prefix} {{ background: var(--code-bg); }}\n"
            f"{prefix} span {{ color: inherit; background-color: transparent; "
            "font-style: inherit; font-weight: inherit; text-decoration: none; border: 0; }\n"
        )
        return reset + "\n".join(dark.get_token_style_defs(prefix)) + "\n"

    indented = "".join(f"  {line}\n" for line in dark_rules(system_dark).splitlines())
    header = (
        "/* Syntax colours for highlighted code in posts. Generated by\n"
        "   core.markdown.build_code_css() (Pygments styles default and github-dark);\n"
        "   do not edit by hand. Both palettes meet WCAG AA on their backgrounds. */\n"
    )
    light_rules = "\n".join(
        [
            f".highlight {{ background: {light.style.background_color}; }}",
            *light.get_token_style_defs(".highlight"),
        ]
    )
    return "\n".join(
        [
            header,
            light_rules,
            "",
            f"@media (prefers-color-scheme: dark) {{\n{indented}}}",
            "",
            dark_rules(chosen_dark),
        ]
    )
