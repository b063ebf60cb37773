"""Loaded by schemathesis when it starts (SCHEMATHESIS_HOOKS, set by tests/contract/run.py).

A workaround for a CPython 3.11 bug, not a hook: `ast.parse` run deep inside Hypothesis's
engine (which raises the recursion limit while it draws) can fail with "SystemError: AST
constructor recursion depth mismatch", and schemathesis reports it as an error of whichever
operation was being generated (`GET /api/v1/events/` in one run, `GET /api/v1/badges/{slug}/`
in another). Hypothesis parses a module's whole source the first time it describes a lambda
defined there, then keeps the parsed lambdas in a cache keyed by the module's lines. Parsing
the generator's modules here, at the top of the stack before any drawing, fills that cache,
so no parse happens inside the engine. It changes nothing the run generates or checks.
"""

from __future__ import annotations

import ast
import linecache
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis.internal import lambda_sources


def _warm_lambda_sources() -> int:
    """Parse every schemathesis module that defines a lambda, as Hypothesis would."""
    warmed = 0
    for path in sorted(Path(schemathesis.__file__).parent.rglob("*.py")):
        # Hypothesis annotates the key as tuple[str]; it is every line of the module.
        lines: Any = tuple(linecache.getlines(str(path)))
        if not any("lambda" in line for line in lines):
            continue
        tree = ast.parse("".join(lines))
        lambda_sources.AST_LAMBDAS_CACHE[lines] = lambda_sources.extract_all_lambdas(tree)
        warmed += 1
    return warmed


_warm_lambda_sources()
