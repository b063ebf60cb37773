"""JSON request bodies with limits: whatever arrives, a bad body is a 400 with a message.

Python's json module raises RecursionError (not ValueError) on deeply nested input, and
DRF's own JSONParser turns only ValueError into a 400, so 100,000 "[" answered 500. Every
JSON body, through DRF (the default parser) or a plain Django view, goes through load_json.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Far deeper than any body Hearth accepts needs, far shallower than the interpreter's stack.
MAX_JSON_DEPTH = 64


class MalformedBodyError(ValueError):
    """The body is not JSON we accept; the message says why, in words for API clients."""


def _refuse_constant(name: str) -> None:
    raise MalformedBodyError(f"The JSON body contains {name}, which is not valid JSON.")


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether any array or object sits more than `limit` levels deep (iterative: no stack)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def load_json(raw: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse one JSON document strictly (no NaN or Infinity).

    Raises MalformedBodyError for anything that is not valid UTF-8 JSON, and for arrays or
    objects nested more than `max_depth` levels deep.
    """
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise MalformedBodyError(
            f"The JSON body is nested more than {max_depth} levels deep."
        ) from exc
    except MalformedBodyError:
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too-long integers
        raise MalformedBodyError(f"The body is not valid JSON: {exc}") from exc
    if _deeper_than(data, max_depth):
        raise MalformedBodyError(f"The JSON body is nested more than {max_depth} levels deep.")
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with load_json's limits and messages (REST_FRAMEWORK default)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return load_json(text)
        except (MalformedBodyError, UnicodeDecodeError) as exc:
            raise ParseError(str(exc)) from exc
