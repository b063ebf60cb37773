"""The contract run's workaround for CPython 3.11's AST recursion bug (tests/contract/hooks.py)."""

import linecache
import runpy
from pathlib import Path
from typing import Any

import pytest
import schemathesis.specs.openapi.coverage._schema as coverage_schema
from hypothesis.internal import lambda_sources
from hypothesis.internal.cache import LRUCache


def test_the_hooks_parse_the_generators_lambdas_before_any_drawing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lambda_sources, "AST_LAMBDAS_CACHE", LRUCache(max_size=100))
    # Hypothesis annotates the key as tuple[str]; it is every line of the module.
    lines: Any = tuple(linecache.getlines(coverage_schema.__file__))

    runpy.run_path(str(Path(__file__).with_name("hooks.py")))

    assert len(lambda_sources.AST_LAMBDAS_CACHE[lines]) > 0
