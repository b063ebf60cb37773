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

import functools
import hashlib
import re

from django.conf import settings
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


@functools.cache
def templates_version() -> str:
    """A digest of every project template and template tag module, computed once per
    process: cached fragments carry it in their keys, so a deploy that changes how
    something is drawn never serves what the previous code drew."""
    base = settings.BASE_DIR
    sources = sorted(
        [*base.glob("templates/**/*.html"), *base.glob("*/templatetags/*.py")],
        key=lambda path: path.as_posix(),
    )
    digest = hashlib.blake2b(digest_size=8)
    for path in sources:
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
