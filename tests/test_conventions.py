"""Conventions a linter does not check, checked over the source tree."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "core", "members", "community", "events")


def source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def offending_lines(pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_import_from_allauths_internal_package():
    # allauth.*.internal changes without notice between releases.
    assert offending_lines(re.compile(r"^\s*(from|import)\s+allauth\S*\.internal\b")) == []


@pytest.mark.parametrize(
    ("marker", "pattern"),
    [
        ("type: ignore", re.compile(r"#\s*type:\s*ignore(?!\[[\w-]+(,\s*[\w-]+)*\]\s+#\s*\S)")),
        ("noqa", re.compile(r"#\s*noqa(?!:\s*[A-Z]+\d+(,\s*[A-Z]+\d+)*\s*(#|\()\s*\S)")),
    ],
)
def test_every_suppression_names_its_code_and_a_reason(marker, pattern):
    assert offending_lines(pattern) == [], f"each `# {marker}` needs a code and `# reason`"
