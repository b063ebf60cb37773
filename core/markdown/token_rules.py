"""Our markdown-it token rules: mentions, heading demotion, table alignment, task lists and the
image policy, run over each parse with per-call state carried in markdown-it's env."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from core.markdown.images import is_own_image

MentionUrl = Callable[[str], str | None]

#: A mention: not glued to a word or another "@" on the left (so a@b.com is an email), and not
#: running on into more handle characters or a second "@" (so @ada@mastodon.social is not @ada).
_MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{2,30})(?![A-Za-z0-9_@])")
_TASK_RE = re.compile(r"\[([ xX])\](?=[ \t]|$)")


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
    """Keep Hearth's own images; any other becomes a plain link (or its alt text inside one),
    so a reader's browser never fetches from a host the writer chose (core.markdown.images)."""
    source = str(image.attrGet("src") or "")
    if is_own_image(source):
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
