"""Loaded by schemathesis when it starts (SCHEMATHESIS_HOOKS, set by tests/contract/run.py).

A workaround for a CPython 3.11 bug, not a hook: `ast.parse` run deep inside Hypothesis's
engine (which raises the recursion limit while it draws) can fail with "SystemError: AST
constructor recursion depth mismatch", and schemathesis reports it as an error of whichever
operation was being generated (`GET /api/v1/events/` in one run, `GET /api/v1/badges/{slug}/`
in another). Hypothesis parses a module's whole source the first time it describes a lambda
defined there, then keeps the parsed lambdas in a cache keyed by the module's lines. Parsing
the generator's modules here, at the top of the stack before any drawing, fills that cache,
so no parse happens inside the engine. It changes nothing the run generates or checks.

That cache is a least-recently-used one of 100 modules, and a long run describes lambdas from
more modules than that (an early-warmed module was evicted and parsed again deep in the
stack, failing one run in a few): it is replaced by one large enough for every module warmed
here and those the run adds, and Hypothesis's own modules are warmed too.
"""

from __future__ import annotations

import ast
import linecache
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
from hypothesis.internal import lambda_sources
from hypothesis.internal.cache import LRUCache

#: Room for every module warmed here and every one the run parses after.
CACHE_SIZE = 10_000


def _warm_lambda_sources() -> int:
    """Parse every schemathesis and Hypothesis module that defines a lambda, as Hypothesis
    would, into a cache that keeps them all."""
    lambda_sources.AST_LAMBDAS_CACHE = LRUCache(max_size=CACHE_SIZE)
    packages = (Path(schemathesis.__file__).parent, Path(hypothesis.__file__).parent)
    warmed = 0
    for path in sorted(path for package in packages for path in package.rglob("*.py")):
        # Hypothesis annotates the key as tuple[str]; it is every line of the module.
        lines: Any = tuple(linecache.getlines(str(path)))
        if not any("lambda" in line for line in lines):
            continue
        tree = ast.parse("".join(lines))
        lambda_sources.AST_LAMBDAS_CACHE[lines] = lambda_sources.extract_all_lambdas(tree)
        warmed += 1
    return warmed


_warm_lambda_sources()
