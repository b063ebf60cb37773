"""Speed, side by side with the floor: every main page against a bare Django page, one run.

Each page is measured in-process (SQL queries, HTML size) and over HTTP on the bench's own
gunicorn: latency percentiles and requests/s at concurrency 1 and 8, and CPU milliseconds
per request spent in the server's worker processes. The floor (bench/floor.py: one indexed
query, 25 rows, a tiny template) is measured in the same run, so the targets are ratios
that a shared, noisy machine does not skew:

- requests/s at concurrency 8 at least a third of the floor's, p95 at most 3x the floor's;
- search for a word in 40% of posts: p95 under 50 ms at concurrency 1;
- no page over 10 SQL queries; the HTML of a 30-row list under 35 KB.

Writes bench/results/<stamp>-speed-<vendor>.json and .md; exits 1 when a target is missed.

    .venv/bin/python -m bench.speed                  # after python -m bench.generate
    BENCH_REDIS_URL=redis://127.0.0.1:6379/9 DATABASE_URL=postgres://... python -m bench.speed
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import environment
from bench.run import (
    BENCH_CSRF,
    RESULTS_DIR,
    Gunicorn,
    Page,
    _hammer,
    _percentile,
    discover,
    member_session,
)

#: Pages measured against the floor (keys of bench.run.discover, plus the ones added here).
PAGE_KEYS = [
    "latest",
    "category",
    "thread",
    "thread_last",
    "thread_normal",
    "search_common",
    "search_rare",
    "directory",
    "profile",
    "m_latest",
    "m_for_you",
    "m_thread_last",
]
LIST_PAGES = {"latest", "category", "m_latest"}
RATIO = 3.0
SEARCH_P95_MS = 50.0
#: Rows whose every request is a new search: judged on SEARCH_P95_MS (concurrency 1).
FRESH_SEARCHES = {"search_fresh", "m_search_fresh"}
MAX_QUERIES = 10
LIST_HTML_KB = 35.0


@dataclass
class Measure:
    key: str
    label: str
    path: str
    member: bool
    queries: int = 0
    html_kb: float = 0.0
    c1: dict[str, float] = field(default_factory=dict)
    c8: dict[str, float] = field(default_factory=dict)
    cpu_ms: float = 0.0
    rps_ratio: float = 0.0  # floor rps / page rps at concurrency 8
    p95_ratio: float = 0.0  # page p95 / floor p95 at concurrency 8
    misses: list[str] = field(default_factory=list)


def extra_pages() -> list[Page]:
    return [
        Page("floor", "Floor (bare Django)", "/bench/floor/"),
        Page("api_threads", "API: threads", "/api/v1/threads/"),
        Page("api_members", "API: members", "/api/v1/members/"),
        Page("events", "Events", "/events/"),
        Page("m_events", "Events", "/events/", member=True),
        Page("m_leaderboard", "Leaderboard, this week", "/leaderboards/", member=True),
        Page("m_inbox", "Notifications", "/notifications/", member=True),
        Page("m_search_common", "Search 'deploy'", "/forum/search/?q=deploy", member=True),
        Page("m_search_rare", "Search 'quokka'", "/forum/search/?q=quokka", member=True),
        # A repeated search is served from the page cache like any page; these rows ask a
        # new address every time, so each is rendered: what a query costs the first time.
        Page("search_fresh", "Search 'deploy', new", "/forum/search/?q=deploy", fresh=True),
        Page(
            "m_search_fresh",
            "Search 'deploy', new",
            "/forum/search/?q=deploy",
            member=True,
            fresh=True,
        ),
    ]


#: Visitor pages measured for the member too (their own row, key "m_" + the key).
MEMBER_TWINS = ("category", "thread", "thread_normal", "directory", "profile")


def member_twins(by_key: dict[str, Page]) -> list[Page]:
    """The member's row of each page in MEMBER_TWINS: same address, signed in."""
    return [
        Page(f"m_{key}", by_key[key].label, by_key[key].path, member=True)
        for key in MEMBER_TWINS
        if key in by_key
    ]


def in_process(page: Page, cookie: str) -> tuple[int, float]:
    """(queries, HTML KB) of a warm render, as the member when the page is a member's: the
    page cache is off here, so the count is what a page costs when it is rendered (a page
    served from the cache costs none, or the member's one)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    if page.member:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        client.cookies[settings.CSRF_COOKIE_NAME] = BENCH_CSRF
    with override_settings(PAGE_CACHE=False):
        client.get(page.path)  # warm: templates, the session and the header's counts cached
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
    return len(captured.captured_queries), round(len(response.content) / 1024, 1)


def _cpu_ticks(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def load(
    server: Gunicorn, page: Page, cookie: str, args: argparse.Namespace, c: int
) -> dict[str, float]:
    options = argparse.Namespace(concurrency=c, timeout=args.timeout)
    _hammer(server.port, page, cookie, options, requests=4 * max(c, args.workers), seconds=20)
    server.sample()
    before = _cpu_ticks(server.worker_pids)
    latencies, statuses, wall = _hammer(
        server.port, page, cookie, options, requests=args.requests, seconds=args.seconds
    )
    ticks = _cpu_ticks(server.worker_pids) - before
    ordered = sorted(latencies)
    per_second = os.sysconf("SC_CLK_TCK")
    return {
        "requests": len(ordered),
        "errors": sum(n for status, n in statuses.items() if status != "200"),
        "p50_ms": round(_percentile(ordered, 0.50), 2),
        "p95_ms": round(_percentile(ordered, 0.95), 2),
        "p99_ms": round(_percentile(ordered, 0.99), 2),
        "rps": round(len(ordered) / wall, 1) if wall else 0.0,
        "cpu_ms": round(ticks * 1000 / per_second / max(len(ordered), 1), 2),
    }


def judge(measure: Measure, floor: Measure) -> None:
    measure.rps_ratio = round(floor.c8["rps"] / max(measure.c8["rps"], 0.1), 2)
    measure.p95_ratio = round(measure.c8["p95_ms"] / max(floor.c8["p95_ms"], 0.01), 2)
    if measure.key == "floor":
        return
    if measure.key in FRESH_SEARCHES:
        # Judged on the search target alone: a page never served from the cache.
        if measure.c1["p95_ms"] > SEARCH_P95_MS:
            measure.misses.append(f"common-word search p95 {measure.c1['p95_ms']} ms (max 50)")
        return
    if measure.rps_ratio > RATIO:
        measure.misses.append(f"requests/s {measure.rps_ratio}x below the floor's (max {RATIO}x)")
    if measure.p95_ratio > RATIO:
        measure.misses.append(f"p95 {measure.p95_ratio}x the floor's (max {RATIO}x)")
    if measure.queries > MAX_QUERIES:
        measure.misses.append(f"{measure.queries} SQL queries (max {MAX_QUERIES})")
    if measure.key in LIST_PAGES and measure.html_kb > LIST_HTML_KB:
        measure.misses.append(f"HTML {measure.html_kb} KB (max {LIST_HTML_KB})")
    for level in (measure.c1, measure.c8):
        if level["errors"]:
            measure.misses.append(f"{level['errors']} non-200 answers")


def markdown(measures: list[Measure], meta: dict[str, Any]) -> str:
    lines = [
        f"# Speed beside the floor: {meta['database']}, {meta['when']}",
        "",
        f"Community: {meta['sizes']}. gunicorn -w {meta['workers']}; commit {meta['commit']}.",
        "",
        "| page | queries | HTML KB | CPU ms/req | p50 / p95 / p99 ms (c=1) | req/s c=1 | "
        "req/s c=8 | p95 ms c=8 | floor ÷ page (req/s) | page ÷ floor (p95) | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measures:
        verdict = (
            "floor"
            if m.key == "floor"
            else ("MISS: " + "; ".join(m.misses) if m.misses else "PASS")
        )
        lines.append(
            f"| {m.label}{' (member)' if m.member else ''} | {m.queries} | {m.html_kb} | "
            f"{m.c8['cpu_ms']} | {m.c1['p50_ms']} / {m.c1['p95_ms']} / {m.c1['p99_ms']} | "
            f"{m.c1['rps']} | {m.c8['rps']} | {m.c8['p95_ms']} | {m.rps_ratio} | "
            f"{m.p95_ratio} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    environment.add_arguments(parser)
    parser.add_argument("--requests", type=int, default=300, help="per page and concurrency")
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and concurrency")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--only", default="", help="comma-separated page keys (floor always)")
    args = parser.parse_args(argv)

    target = environment.resolve(args)
    environment.activate(target)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    community = discover()
    by_key = {page.key: page for page in [*community.pages, *extra_pages()]}
    by_key |= {twin.key: twin for twin in member_twins(by_key)}
    wanted = [k for k in args.only.split(",") if k] or [
        *PAGE_KEYS,
        "events",
        "api_threads",
        "api_members",
        *(f"m_{key}" for key in MEMBER_TWINS),
        "m_events",
        "m_leaderboard",
        "m_inbox",
        "m_search_common",
        "m_search_rare",
        "search_fresh",
        "m_search_fresh",
    ]
    pages = [by_key["floor"], *(by_key[k] for k in wanted if k in by_key and k != "floor")]
    cookie = member_session(community.member_id)

    measures = []
    for page in pages:
        queries, html_kb = in_process(page, cookie)
        measures.append(Measure(page.key, page.label, page.path, page.member, queries, html_kb))

    log = target.var_dir / "speed-gunicorn.log"
    server = Gunicorn(target, args.workers, log)
    try:
        server.start()
        for page, measure in zip(pages, measures, strict=True):
            measure.c1 = load(server, page, cookie, args, 1)
            measure.c8 = load(server, page, cookie, args, 8)
            measure.cpu_ms = measure.c8["cpu_ms"]
            print(f"  measured {measure.label}: {measure.c8['rps']} req/s at c=8", flush=True)
    finally:
        server.stop()

    floor = measures[0]
    for measure in measures:
        judge(measure, floor)
    meta = {
        "database": target.label,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": community.sizes,
        "workers": args.workers,
        "commit": _commit(),
        "load_average": os.getloadavg()[0],
    }
    report = markdown(measures, meta)
    print(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = RESULTS_DIR / f"{stamp}-speed-{target.vendor}"
    stem.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "pages": [asdict(m) for m in measures]}, indent=2)
    )
    stem.with_suffix(".md").write_text(report)
    missed = [m for m in measures if m.misses]
    print(f"Written {stem}.json and .md. {len(missed)} page(s) missed a target.")
    return 1 if missed else 0


def _commit() -> str:
    import subprocess

    try:
        return subprocess.run(  # git on PATH, fixed arguments
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            cwd=environment.BASE_DIR,
        ).stdout.strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
