"""Template loaders that drop each line's indentation from HTML templates as they are
loaded (once: the cached loader keeps the result).

Indentation is for people reading a template; the browser builds the same document without
it, because the newline before each line stays and separates inline elements as the
indentation did. A thirty-row list is a few kilobytes lighter for nothing at request time.
Text templates (the plain part of emails, subjects) are left exactly as written, and no
HTML template indents the inside of a <pre> or <textarea> (tests/core/test_template_loaders.py
checks that).
"""

from __future__ import annotations

import re

from django.template import Origin
from django.template.loaders import app_directories, filesystem

_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{2,}")


def dedent(source: str) -> str:
    """`source` without leading spaces or tabs on any line, nor blank lines."""
    return _BLANK_LINES.sub("\n", _INDENT.sub("", source))


def _contents(origin: Origin, contents: str) -> str:
    return dedent(contents) if origin.name.endswith(".html") else contents


class FilesystemLoader(filesystem.Loader):
    """Django's filesystem loader (the project's templates/), dedenting HTML."""

    def get_contents(self, origin: Origin) -> str:
        return _contents(origin, super().get_contents(origin))


class AppDirectoriesLoader(app_directories.Loader):
    """Django's app directories loader (allauth's, the admin's templates), dedenting HTML."""

    def get_contents(self, origin: Origin) -> str:
        return _contents(origin, super().get_contents(origin))
