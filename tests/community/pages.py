"""Reading forum pages in tests: what a rendered list shows, element by element."""

from __future__ import annotations

import html
import re

from django.http import HttpResponse

_ROW_TITLE = re.compile(
    r'<h3 class="thread-row-title">.*?<a href="[^"]*">(?P<title>[^<]*)</a>', re.DOTALL
)
_RESULT_TITLE = re.compile(
    r'<h2 class="search-result-title">\s*<a href="[^"]*">(?P<title>[^<]*)</a>', re.DOTALL
)


def page_html(response: HttpResponse) -> str:
    """The page's HTML, once its status is known to be 200."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_titles(response: HttpResponse) -> list[str]:
    """The thread titles of a thread list (Latest, a category, For you), top to bottom."""
    return [html.unescape(m["title"]) for m in _ROW_TITLE.finditer(page_html(response))]


def result_titles(response: HttpResponse) -> list[str]:
    """The thread titles of the search results, best first."""
    return [html.unescape(m["title"]) for m in _RESULT_TITLE.finditer(page_html(response))]


def text_of(markup: str) -> str:
    """The text a reader sees in `markup`: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def category_cards(response: HttpResponse) -> list[str]:
    """The text of each card on the categories index, in order."""
    cards = page_html(response).split('<li class="card category-card"')[1:]
    return [text_of("<" + card.split("</li>", 1)[0]) for card in cards]
