"""Content-Security-Policy violation reports from browsers: bounded, rate-limited, logged.

Browsers post them to /csp-report/ in two shapes: the report-uri one (application/csp-report,
{"csp-report": {...}}) and the Reporting API one (application/reports+json, a list of
{"type": "csp-violation", "body": {...}}). Anyone can post anything there, so the body is
capped, each client is limited to a few reports a minute, every field is cut short and
stripped of control characters before it reaches the log, and nothing here raises.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from core.parsers import MalformedBodyError, load_json

logger = logging.getLogger("hearth.csp")

MAX_REPORT_BYTES = 32 * 1024
REPORTS_PER_MINUTE = 30
_FIELD_LENGTH = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: (report-uri name, Reporting API name) for each field we log, under the log's own name.
_FIELDS = {
    "document": ("document-uri", "documentURL"),
    "directive": ("effective-directive", "effectiveDirective"),
    "blocked": ("blocked-uri", "blockedURL"),
    "source": ("source-file", "sourceFile"),
    "line": ("line-number", "lineNumber"),
    "sample": ("script-sample", "sample"),
    "disposition": ("disposition", "disposition"),
}


@dataclass(frozen=True)
class Violation:
    """One report, reduced to short, printable fields."""

    document: str
    directive: str
    blocked: str
    source: str
    line: str
    sample: str
    disposition: str


def allow_report_from(client: str) -> bool:
    """Count a report from `client` (an IP address); False once it has sent
    REPORTS_PER_MINUTE in the minute since the first one it sent (then the count starts over)."""
    key = f"csp-report:{client}"
    cache.add(key, 0, timeout=60)  # starts the minute; incr keeps its expiry
    try:
        count = cache.incr(key)
    except ValueError:  # the minute ended between add and incr: this report starts a new one
        cache.set(key, 1, timeout=60)
        count = 1
    return count <= REPORTS_PER_MINUTE


def _printable(value: Any) -> str:
    return _CONTROL.sub("", str(value))[:_FIELD_LENGTH] if value is not None else ""


def _violation(fields: dict[str, Any], index: int) -> Violation:
    return Violation(
        **{name: _printable(fields.get(names[index])) for name, names in _FIELDS.items()}
    )


def parse_reports(raw: bytes) -> list[Violation]:
    """The violations in one posted body, in either shape; other report types are skipped.

    Raises MalformedBodyError when the body is not JSON or not a report.
    """
    data = load_json(raw)
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [_violation(data["csp-report"], 0)]
    if isinstance(data, list):
        return [
            _violation(report["body"], 1)
            for report in data
            if isinstance(report, dict)
            and report.get("type") == "csp-violation"
            and isinstance(report.get("body"), dict)
        ]
    raise MalformedBodyError("The body is not a CSP violation report.")


def log_violations(violations: list[Violation]) -> None:
    """One warning per violation, fields in a fixed order (grep-able)."""
    for violation in violations:
        logger.warning(
            "CSP violation: directive=%s blocked=%s document=%s source=%s line=%s "
            "disposition=%s sample=%s",
            violation.directive,
            violation.blocked,
            violation.document,
            violation.source,
            violation.line,
            violation.disposition,
            violation.sample,
        )
