"""core.markdown: user Markdown to safe HTML, mentions, code highlighting and quoting."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

# _SANITISER is the security boundary on its own: the Markdown layer in front of it (raw HTML
# off, link validation) hides most of what it does, so it is also tested directly.
from core.markdown import _SANITISER as SANITISER
from core.markdown import build_code_css, quote_markdown, render_markdown
from core.markdown.images import is_own_image

REPO_ROOT = Path(__file__).resolve().parents[2]
REL = "nofollow ugc noopener"

PLAIN_TAGS = ["p", "br", "hr", "h3", "h4", "h5", "h6", "blockquote", "em", "strong", "del", "s"]
TABLE_TAGS = ["table", "thead", "tbody", "tr"]
#: Everything the sanitiser may let through, and the attributes each tag may carry.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str] | set[str]] = {
    **dict.fromkeys(PLAIN_TAGS + TABLE_TAGS, frozenset()),
    "th": {"align"},
    "td": {"align"},
    "ul": {"class"},
    "ol": {"class", "start"},
    "li": {"class"},
    "pre": {"class"},
    "code": {"class"},
    "span": {"class"},
    "a": {"href", "title", "class", "rel"},
    "img": {"src", "alt", "title", "loading"},
    "input": {"class", "type", "checked", "disabled"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}


class ElementCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def parse_elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = ElementCollector()
    collector.feed(markup)
    collector.close()
    return collector.elements


def url_scheme(value: str) -> str | None:
    # Browsers drop ASCII whitespace and control characters before reading a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", squeezed)
    return match.group(1) if match else None


def unsafe_parts(markup: str) -> list[str]:
    """Every tag, attribute or URL in ``markup`` that the allow-list should have removed."""
    problems = [f"raw <script in {markup!r}"] if "<script" in markup.lower() else []
    for tag, attrs in parse_elements(markup):
        if tag not in ALLOWED_ATTRIBUTES:
            problems.append(f"tag <{tag}>")
            continue
        problems.extend(
            f"attribute {name} on <{tag}>"
            for name in attrs
            if name not in ALLOWED_ATTRIBUTES[tag] or name.startswith("on")
        )
        problems.extend(
            f"{name}={value!r} on <{tag}>"
            for name, value in attrs.items()
            if name in ("href", "src") and url_scheme(value or "") not in (None, *SAFE_SCHEMES)
        )
        if tag == "img" and "src" in attrs and not is_own_image(attrs["src"] or ""):
            problems.append(f"image from elsewhere {attrs['src']!r}")
    return problems


def code_texts(markup: str) -> list[str]:
    """The text of every <pre>, tags stripped and entities decoded."""
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", markup, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def profile_url(handle: str) -> str:
    return f"/u/{handle}/"


# --- XSS battery -------------------------------------------------------------------------------

XSS_PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT SRC=https://xss.example/x.js></SCRIPT>", id="script-src-upper"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<img src=x onerror=alert(1)//", id="img-unclosed"),
    pytest.param('<img src="x` `<script>alert(1)</script>"` `>', id="img-backtick-quote"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg/onload=alert(1)>", id="svg-slash-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mxss"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-mxss"
    ),
    pytest.param("<template><script>alert(1)</script></template>", id="template"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="html-a-javascript"),
    pytest.param('<a href="&#106;avascript:alert(1)">x</a>', id="html-a-entity"),
    pytest.param('<a href="https://ok.example" onclick="alert(1)">x</a>', id="html-a-onclick"),
    pytest.param('<iframe src="https://evil.example"></iframe>', id="iframe"),
    pytest.param('<object data="https://evil.example/x.swf"></object>', id="object"),
    pytest.param('<embed src="https://evil.example/x.swf">', id="embed"),
    pytest.param("<style>body{display:none}</style>", id="style"),
    pytest.param('<div style="background:url(javascript:alert(1))">x</div>', id="style-attr"),
    pytest.param("<link rel=stylesheet href=https://evil.example/x.css>", id="link"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=https://evil.example">', id="meta-refresh"
    ),
    pytest.param('<base href="https://evil.example/">', id="base"),
    pytest.param('<form action="https://evil.example"><input name=p></form>', id="form"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-onfocus"),
    pytest.param("- [ ] <input type=text onfocus=alert(1) autofocus>", id="task-raw-input"),
    pytest.param("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<<script>script>alert(1)<</script>/script>", id="double-open"),
    pytest.param('"><script>alert(1)</script>', id="attribute-break"),
    pytest.param("<!--<script>alert(1)</script>-->", id="comment"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param("[x](javascript:alert(1))", id="md-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-javascript-mixed-case"),
    pytest.param("[x](  javascript:alert(1))", id="md-javascript-leading-spaces"),
    pytest.param("[x](java&#x09;script:alert(1))", id="md-javascript-tab-entity"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-javascript-entity"),
    pytest.param(
        "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
        id="md-javascript-all-entities",
    ),
    pytest.param("[x](javascript&colon;alert(1))", id="md-javascript-colon-entity"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-javascript-bracketed"),
    pytest.param("[x](javascript://%0aalert(1))", id="md-javascript-comment-newline"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="md-data-html"
    ),
    pytest.param("[x](vbscript:msgbox(1))", id="md-vbscript"),
    pytest.param("[x](file:///etc/passwd)", id="md-file"),
    pytest.param("[x][ref]\n\n[ref]: javascript:alert(1)", id="md-reference-javascript"),
    pytest.param('[ref]: javascript:alert(1) "t"\n\n![y][ref]', id="md-reference-image"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param(
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="md-image-data-svg"
    ),
    pytest.param("![x](data:image/png;base64,iVBORw0KGgo=)", id="md-image-data-png"),
    pytest.param('![x](https://example.com/a.png" onerror="alert(1))', id="md-image-quote"),
    pytest.param("![<script>alert(1)</script>](https://example.com/a.png)", id="md-image-alt"),
    pytest.param("[<img src=x onerror=alert(1)>](https://example.com)", id="md-link-text-html"),
    pytest.param('[a](https://x.com "x\\" onmouseover=\\"alert(1)")', id="md-title-dquote"),
    pytest.param("[a](https://x.com 'x\\' onmouseover=alert(1) ')", id="md-title-squote"),
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param('<http://x.com/"onmouseover="alert(1)">', id="autolink-quote"),
    pytest.param('https://example.com/"onmouseover="alert(1)', id="bare-url-quote"),
    pytest.param("www.example.com/<script>alert(1)</script>", id="bare-www-script"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="entities-named"),
    pytest.param("&#60;script&#62;alert(1)&#60;/script&#62;", id="entities-numeric"),
    pytest.param("`` `<script>alert(1)</script>` ``", id="nested-backticks"),
    pytest.param("`<img src=x onerror=alert(1)>`", id="code-span-img"),
    pytest.param("@<script>alert(1)</script>", id="mention-script"),
    pytest.param('@ada"><script>alert(1)</script>', id="mention-attribute-break"),
    pytest.param(
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
        id="table-cells",
    ),
    pytest.param(
        '| a |\n|:-" onmouseover="alert(1)|\n| <img src=x onerror=alert(1)> |',
        id="table-align-row",
    ),
    pytest.param('```"><script>alert(1)</script>\ncode\n```', id="fence-info-script"),
    pytest.param('~~~ python" onmouseover="alert(1)\ncode\n~~~', id="fence-info-attribute"),
    pytest.param("```html\n<script>alert(1)</script>\n```", id="fence-html-script"),
    pytest.param("    <script>alert(1)</script>", id="indented-code-script"),
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_output_has_no_active_content_when_payload_is_hostile(payload):
    result = render_markdown(payload, mention_url=profile_url)

    assert unsafe_parts(result.html) == []


def test_xss_battery_keeps_all_its_payloads():
    # Exact, so a payload dropped by accident shows; a new one updates the count.
    assert len(XSS_PAYLOADS) == 71
    assert len({param.id for param in XSS_PAYLOADS}) == 71


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("<b>bold</b>", "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"),
        ("<div>\nhi\n</div>", "<p>&lt;div&gt;\nhi\n&lt;/div&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
        ("![x](data:image/png;base64,AAAA)", "<p>![x](data:image/png;base64,AAAA)</p>\n"),
    ],
)
def test_markup_is_shown_as_text_when_source_holds_raw_html_or_unsafe_links(source, expected):
    result = render_markdown(source)

    assert result.html == expected


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitiser_alone_removes_active_content_when_given_raw_html(payload):
    cleaned = SANITISER.clean(payload)

    assert unsafe_parts(cleaned) == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<img src="http://x.example/a.png" alt="a">', '<img loading="lazy" alt="a">'),
        ('<img src="https://x.example/a.png">', '<img loading="lazy">'),
        ('<img src="//x.example/a.png">', '<img loading="lazy">'),
        ('<img src="/\\x.example/a.png">', '<img loading="lazy">'),
        ('<img src="/media/a.png">', '<img src="/media/a.png" loading="lazy">'),
        ('<input type="text" onfocus="x">', '<input type="checkbox">'),
        ('<span class="k evil" style="color:red">x</span>', '<span class="k">x</span>'),
        (
            '<code class="language-python language-evil">x</code>',
            '<code class="language-python">x</code>',
        ),
        (
            '<pre class="highlight evil"><code>x</code></pre>',
            '<pre class="highlight"><code>x</code></pre>',
        ),
        (
            '<a href="/u/ada/" class="mention button">x</a>',
            f'<a href="/u/ada/" class="mention" rel="{REL}">x</a>',
        ),
        (
            '<a href="https://x.example" rel="opener" target="_blank">x</a>',
            f'<a href="https://x.example" rel="{REL}">x</a>',
        ),
        ('<a href="ftp://x.example">x</a>', f'<a rel="{REL}">x</a>'),
        ('<td align="justify">x</td><td align="right">y</td>', "xy"),
        (
            '<table><tr><td align="right">y</td></tr></table>',
            '<table><tbody><tr><td align="right">y</td></tr></tbody></table>',
        ),
        ("<h1>Big</h1><h2>Less</h2><h3>Ok</h3>", "BigLess<h3>Ok</h3>"),
        ('<p id="x" title="t" lang="en" dir="rtl">p</p>', "<p>p</p>"),
    ],
)
def test_sanitiser_output_is_exact_when_markup_leaves_the_allow_list(markup, expected):
    cleaned = SANITISER.clean(markup)

    assert cleaned == expected


@pytest.mark.parametrize(
    "unsafe_url", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "  JavaScript:x"]
)
def test_mention_link_has_no_href_when_mention_url_returns_unsafe_scheme(unsafe_url):
    result = render_markdown("hi @ada", mention_url=lambda handle: unsafe_url)

    assert result.html == f'<p>hi <a class="mention" rel="{REL}">@ada</a></p>\n'


def test_mention_href_is_escaped_when_mention_url_returns_quotes():
    result = render_markdown("@ada", mention_url=lambda handle: '/u/"><script>x</script>')

    assert result.html == (
        '<p><a href="/u/&quot;&gt;&lt;script&gt;x&lt;/script&gt;" class="mention" '
        f'rel="{REL}">@ada</a></p>\n'
    )


# --- Links and images --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[x](https://example.com)",
        "[x](http://example.com)",
        "[x](/t/42/)",
        "[x](mailto:ada@example.com)",
        "https://example.com/path",
        "www.example.com",
        "ada@example.com",
        "<https://example.com>",
        "[x][ref]\n\n[ref]: https://example.com",
        "@ada",
    ],
)
def test_every_link_has_exact_rel_when_rendered(source):
    result = render_markdown(source, mention_url=profile_url)

    links = [attrs for tag, attrs in parse_elements(result.html) if tag == "a"]
    assert [link["rel"] for link in links] == [REL]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "see https://example.com/x?a=1&b=2.",
            '<p>see <a href="https://example.com/x?a=1&amp;b=2" rel="nofollow ugc noopener">'
            "https://example.com/x?a=1&amp;b=2</a>.</p>\n",
        ),
        (
            "(www.python.org)",
            '<p>(<a href="http://www.python.org" rel="nofollow ugc noopener">'
            "www.python.org</a>)</p>\n",
        ),
        (
            "mail ada@example.com",
            '<p>mail <a href="mailto:ada@example.com" rel="nofollow ugc noopener">'
            "ada@example.com</a></p>\n",
        ),
        # .py and .md are real TLDs: file names must not turn into links.
        ("edit setup.py and README.md", "<p>edit setup.py and README.md</p>\n"),
        ("ftp://example.com/file", "<p>ftp://example.com/file</p>\n"),
        ("chat on xmpp:ada@example.com", "<p>chat on xmpp:ada@example.com</p>\n"),
        ("xhttps://example.com", "<p>xhttps://example.com</p>\n"),
        (
            "https://example.com/<b>",
            '<p><a href="https://example.com/" rel="nofollow ugc noopener">'
            "https://example.com/</a>&lt;b&gt;</p>\n",
        ),
        (
            "**https://example.com**",
            '<p><strong><a href="https://example.com" rel="nofollow ugc noopener">'
            "https://example.com</a></strong></p>\n",
        ),
    ],
)
def test_bare_url_is_autolinked_when_gfm_would_link_it(source, expected):
    result = render_markdown(source)

    assert result.html == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '![diagram](/media/posts/a.png "Title")',
            '<p><img src="/media/posts/a.png" alt="diagram" title="Title" loading="lazy"></p>\n',
        ),
        (
            "![](/static/img/favicon.svg)",
            '<p><img src="/static/img/favicon.svg" alt="" loading="lazy"></p>\n',
        ),
        (
            "![diagram](https://tracker.example/a.png)",
            f'<p><a href="https://tracker.example/a.png" rel="{REL}">diagram</a></p>\n',
        ),
        (
            "![diagram](http://example.com/a.png)",
            f'<p><a href="http://example.com/a.png" rel="{REL}">diagram</a></p>\n',
        ),
        (
            "![](https://tracker.example/a.png)",
            f'<p><a href="https://tracker.example/a.png" rel="{REL}">'
            "https://tracker.example/a.png</a></p>\n",
        ),
        (
            "![x](//tracker.example/a.png)",
            f'<p><a href="//tracker.example/a.png" rel="{REL}">x</a></p>\n',
        ),
        (
            "![x](/media/../accounts/logout/)",
            f'<p><a href="/media/../accounts/logout/" rel="{REL}">x</a></p>\n',
        ),
        ("![x](/media/%2e%2E/x)", f'<p><a href="/media/%2e%2E/x" rel="{REL}">x</a></p>\n'),
        ("![x](/mediax/a.png)", f'<p><a href="/mediax/a.png" rel="{REL}">x</a></p>\n'),
        ("![x](a.png)", f'<p><a href="a.png" rel="{REL}">x</a></p>\n'),
        (
            "[![badge](http://example.com/b.svg)](https://example.com)",
            f'<p><a href="https://example.com" rel="{REL}">badge</a></p>\n',
        ),
    ],
)
def test_image_is_embedded_only_when_hearth_serves_it_itself(source, expected):
    result = render_markdown(source)

    assert result.html == expected


@pytest.mark.parametrize(
    ("media_url", "source", "own"),
    [
        ("https://files.example/media/", "https://files.example/media/a.png", True),
        ("https://files.example/media/", "https://tracker.example/media/a.png", False),
        ("https://files.example/media/", "http://files.example/media/a.png", False),
        ("https://files.example/media/", "/media/a.png", False),
        ("/media/", "/media/a%20b.png", True),
        ("/media/", "/media/\t/a.png", False),
    ],
)
def test_own_images_follow_media_url_when_media_lives_on_a_storage_host(
    settings, media_url, source, own
):
    settings.MEDIA_URL = media_url

    assert is_own_image(source) is own


# --- Markdown features -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<h3>Title</h3>\n"),
        ("## Title", "<h4>Title</h4>\n"),
        ("### Title", "<h5>Title</h5>\n"),
        ("#### Title", "<h6>Title</h6>\n"),
        ("##### Title", "<h6>Title</h6>\n"),
        ("###### Title", "<h6>Title</h6>\n"),
        ("Title\n=====", "<h3>Title</h3>\n"),
        ("Title\n-----", "<h4>Title</h4>\n"),
    ],
)
def test_heading_is_demoted_when_rendered(source, expected):
    result = render_markdown(source)

    assert result.html == expected


def test_table_keeps_alignment_when_columns_are_aligned():
    source = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | **2** | 3 | 4 |"

    result = render_markdown(source)

    assert result.html == (
        "<table>\n<thead>\n<tr>\n"
        '<th align="left">a</th>\n<th align="center">b</th>\n<th align="right">c</th>\n'
        "<th>d</th>\n"
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td align="left">1</td>\n<td align="center"><strong>2</strong></td>\n'
        '<td align="right">3</td>\n<td>4</td>\n'
        "</tr>\n</tbody>\n</table>\n"
    )


def test_strikethrough_renders_when_text_has_double_tildes():
    result = render_markdown("~~gone~~ and ~kept~")

    assert result.html == "<p><s>gone</s> and ~kept~</p>\n"


def test_task_list_has_disabled_checkboxes_when_items_start_with_brackets():
    result = render_markdown("- [ ] todo\n- [x] done\n- plain\n\n1. [X] ordered")

    assert result.html == (
        '<ul class="contains-task-list">\n'
        '<li class="task-list-item"><input class="task-list-item-checkbox" disabled="" '
        'type="checkbox"> todo</li>\n'
        '<li class="task-list-item"><input class="task-list-item-checkbox" checked="" '
        'disabled="" type="checkbox"> done</li>\n'
        "<li>plain</li>\n"
        "</ul>\n"
        '<ol class="contains-task-list">\n'
        '<li class="task-list-item"><input class="task-list-item-checkbox" checked="" '
        'disabled="" type="checkbox"> ordered</li>\n'
        "</ol>\n"
    )


def test_ordered_list_keeps_start_when_it_does_not_start_at_one():
    result = render_markdown("3. three\n4. four")

    assert result.html == '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'


def test_soft_line_break_stays_a_newline_when_lines_follow_each_other():
    result = render_markdown("one\ntwo  \nthree")

    assert result.html == "<p>one\ntwo<br>\nthree</p>\n"


# --- Code --------------------------------------------------------------------------------------

CODE_SAMPLES = [
    pytest.param("python", 'if a < b and c & d:\n\tprint("x")  \n\n\n    return  \n', id="python"),
    pytest.param(
        "html",
        '<script>alert("x")</script>\n<a href="javascript:x" onclick=\'y\'>&amp;</a>\n',
        id="html",
    ),
    pytest.param("make", "all:\n\tcc -o app main.c\t# tab\n", id="makefile-tabs"),
    pytest.param("rust", 'fn main() { println!("日本語 — café 🎉\u200b"); }\n', id="unicode"),
    pytest.param("diff", "--- a\n+++ b\n@@ -1 +1 @@\n- old  \n+ new\t\n \n", id="diff"),
    pytest.param("console", '$ echo "<x>" && ls\n<x>\n', id="console"),
    pytest.param("python", "\n\nx = 1\n\n\n", id="leading-trailing-blank-lines"),
    pytest.param("sql", "SELECT '<b>' || \"a&b\" FROM t WHERE x <> 1;\n", id="sql"),
    pytest.param("klingon", "<b>qapla'</b> & \t done  \n", id="unknown-language"),
    pytest.param("", "<?php echo $x; ?>\n\t&nbsp;  \n", id="no-language"),
    pytest.param("python", "\ufeffprint(1)\n", id="leading-bom"),
]


@pytest.mark.parametrize(("language", "code"), CODE_SAMPLES)
def test_code_text_is_kept_exactly_when_fenced(language, code):
    source = f"~~~{language}\n{code}~~~\n"

    result = render_markdown(source)

    assert code_texts(result.html) == [code]


def test_code_text_is_kept_exactly_when_indented():
    code = "<b>x</b> &amp;\t y  \n\n  z\n"
    source = "".join(f"    {line}" if line else "" for line in code.splitlines(keepends=True))

    result = render_markdown(source)

    assert code_texts(result.html) == [code]


def test_code_is_highlighted_when_language_is_known():
    result = render_markdown("```Python\nx = 1\n```")

    assert result.html == (
        '<pre class="highlight"><code class="language-python"><span class="n">x</span> '
        '<span class="o">=</span> <span class="mi">1</span>\n</code></pre>\n'
    )


@pytest.mark.parametrize("language", ["py", "python3", "PY"])
def test_language_class_is_canonical_when_fence_uses_an_alias(language):
    result = render_markdown(f"```{language}\npass\n```")

    assert result.html == (
        '<pre class="highlight"><code class="language-python">'
        '<span class="k">pass</span>\n</code></pre>\n'
    )


@pytest.mark.parametrize(
    "info", ["klingon", '"><script>alert(1)</script>', "python-but-not", "a" * 41]
)
def test_code_is_plain_when_language_is_unknown(info):
    result = render_markdown(f"```{info}\nx < 1\n```")

    assert result.html == "<pre><code>x &lt; 1\n</code></pre>\n"


def test_code_is_plain_when_block_is_over_the_highlight_limit():
    code = "x = 1\n" * 3_334  # 20,004 characters

    result = render_markdown(f"```python\n{code}```")

    assert result.html == f"<pre><code>{code}</code></pre>\n"


def test_code_css_file_matches_generator_when_committed():
    committed = (REPO_ROOT / "static" / "css" / "code.css").read_text(encoding="utf-8")

    assert committed == build_code_css()


# --- Mentions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("hi @ada", ("ada",)),
        ("@Ada and @BOB", ("ada", "bob")),
        ("@ada @Ada @ADA", ("ada",)),
        ("@zed then @ada then @zed", ("zed", "ada")),
        ("# Ping @ada", ("ada",)),
        ("*@ada* and **@bob**", ("ada", "bob")),
        ("- @ada\n- @bob", ("ada", "bob")),
        ("> @ada", ("ada",)),
        ("| who |\n|---|\n| @ada |", ("ada",)),
        ("(@ada), @bob. @cy_d's", ("ada", "bob", "cy_d")),
        ("line\n@ada", ("ada",)),
        ("@a_b_c", ("a_b_c",)),
        (f"@{'x' * 30}", ("x" * 30,)),
    ],
)
def test_mentions_are_listed_when_text_names_handles(source, expected):
    result = render_markdown(source)

    assert result.mentions == expected


@pytest.mark.parametrize(
    "source",
    [
        "`@ada`",
        "```\n@ada\n```",
        "    @ada",
        "[@ada](https://example.com)",
        "https://example.com/@ada",
        "ada@example.com",
        "a@bc",
        "\\@ada",
        "&#64;ada",
        "@@ada",
        "@a",
        f"@{'x' * 31}",
        "@ada@mastodon.social",
        "![@ada](https://example.com/a.png)",
    ],
)
def test_no_mention_is_listed_when_handle_is_in_code_link_email_or_malformed(source):
    result = render_markdown(source)

    assert result.mentions == ()


def test_only_existing_handles_are_linked_when_mention_url_is_given():
    result = render_markdown("@Ada and @bob", mention_url={"ada": "/u/ada/"}.get)

    assert result.html == (
        f'<p><a href="/u/ada/" class="mention" rel="{REL}">@Ada</a> and @bob</p>\n'
    )
    assert result.mentions == ("ada", "bob")


def test_no_mention_is_linked_when_mention_url_is_none():
    result = render_markdown("@ada and @bob")

    assert result.html == "<p>@ada and @bob</p>\n"
    assert result.mentions == ("ada", "bob")


def test_mention_url_is_called_once_per_handle_when_handles_repeat():
    calls: list[str] = []

    def recording_url(handle: str) -> str:
        calls.append(handle)
        return profile_url(handle)

    render_markdown("@Ada @ada `@cy` @bob @ADA", mention_url=recording_url)

    assert calls == ["ada", "bob"]


def test_mention_inside_code_is_not_linked_when_handle_exists():
    result = render_markdown("`@ada` and\n\n```\n@ada\n```", mention_url=profile_url)

    assert result.html == ("<p><code>@ada</code> and</p>\n<pre><code>@ada\n</code></pre>\n")


# --- Quoting -----------------------------------------------------------------------------------


def test_quote_prefixes_every_line_when_source_has_paragraphs():
    quoted = quote_markdown("Hello *world*\r\n\r\n    code  \n", author_handle="ada")

    assert quoted == "> **@ada** wrote:\n>\n> Hello *world*\n>\n>     code  \n\n"


def test_quote_renders_as_blockquote_of_the_original_when_rendered():
    quoted = quote_markdown("Hello *world*\n\nSecond line", author_handle="ada")

    result = render_markdown(quoted + "My reply", mention_url=profile_url)

    assert result.html == (
        "<blockquote>\n"
        f'<p><strong><a href="/u/ada/" class="mention" rel="{REL}">@ada</a></strong> wrote:</p>\n'
        "<p>Hello <em>world</em></p>\n"
        "<p>Second line</p>\n"
        "</blockquote>\n"
        "<p>My reply</p>\n"
    )


def test_quote_keeps_an_unclosed_fence_inside_when_reply_follows():
    quoted = quote_markdown("```\nunclosed <code>", author_handle="ada")

    result = render_markdown(quoted + "My reply")

    assert result.html == (
        "<blockquote>\n<p><strong>@ada</strong> wrote:</p>\n"
        "<pre><code>unclosed &lt;code&gt;\n</code></pre>\n"
        "</blockquote>\n<p>My reply</p>\n"
    )


def test_quote_is_only_the_attribution_when_source_is_empty():
    quoted = quote_markdown("\n\n", author_handle="ada")

    assert quoted == "> **@ada** wrote:\n\n"


@pytest.mark.parametrize("handle", ["", "a", "x" * 31, "ada**", "ada\n\n# evil", "@ada"])
def test_quote_raises_when_handle_is_not_a_handle(handle):
    with pytest.raises(ValueError, match="Not a handle"):
        quote_markdown("text", author_handle=handle)


# --- Robustness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[" * 50_000, "<p>" + "[" * 50_000 + "</p>\n"),
        ("@" * 50_000, "<p>" + "@" * 50_000 + "</p>\n"),
        ("*" * 50_000, "<hr>\n"),
        ("\\" * 50_000, "<p>" + "\\" * 25_000 + "</p>\n"),
    ],
)
def test_render_completes_when_input_is_pathological(source, expected):
    result = render_markdown(source)

    assert result.html == expected


def test_url_stays_text_when_too_long_to_autolink():
    url = "https://example.com/" + "a" * 2_100

    result = render_markdown(url)

    assert result.html == f"<p>{url}</p>\n"


def test_render_completes_when_blockquotes_nest_deeply():
    result = render_markdown(">" * 50_000)

    assert result.html.count("<blockquote>") == 20  # markdown-it's commonmark nesting limit


def test_every_task_item_gets_a_checkbox_when_list_is_long():
    result = render_markdown("- [ ] x\n" * 6_000)

    assert result.html.count('<input class="task-list-item-checkbox"') == 6_000
