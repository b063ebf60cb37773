"""HTML templates lose their indentation when loaded (core/template_loaders.py); text
templates keep every character."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Engine
from django.test import Client

from core.template_loaders import dedent

TEMPLATES = Path(settings.BASE_DIR) / "templates"
#: The content of a <pre> or <textarea>, where whitespace is part of what is shown.
_KEEPS_WHITESPACE = re.compile(r"<(pre|textarea)\b[^>]*>(.*?)</\1>", re.S)


def test_dedent_drops_indentation_and_blank_lines_only() -> None:
    source = "<ul>\n    <li>One</li>\n\n\t<li>Two words</li>\n</ul>\n"
    assert dedent(source) == "<ul>\n<li>One</li>\n<li>Two words</li>\n</ul>\n"


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_indents_the_inside_of_a_pre_or_textarea(path: str) -> None:
    source = (TEMPLATES / path).read_text()
    for block in _KEEPS_WHITESPACE.finditer(source):
        assert dedent(block.group(2)) == block.group(2), path


def test_a_text_template_is_loaded_as_written() -> None:
    engine = Engine.get_default()
    text = next(TEMPLATES.rglob("*.txt"))
    name = text.relative_to(TEMPLATES).as_posix()
    template = engine.get_template(name)
    assert template.source == text.read_text()


@pytest.mark.django_db
def test_a_page_carries_no_indentation(client: Client) -> None:
    page = client.get("/forum/categories/").content.decode()
    assert "\n    <" in (TEMPLATES / "base.html").read_text()
    assert re.findall(r"\n[ \t]+", page) == []
