"""Run Hearth for real against the benchmark community, measure it, and check its promises.

    python -m bench.run                          # after python -m bench.generate
    python -m bench.run --requests 100 --seconds 5 --only latest,thread

1. In-process (django.test.Client + CaptureQueriesContext, same database): for every page,
   the SQL queries of one request, their time, the slowest one and its plan, and any
   INSERT/UPDATE/DELETE over a dozen anonymous requests.
2. Over HTTP: collectstatic, then gunicorn (DEBUG off, whitenoise) with N workers on a free
   loopback port; a bounded load per page from Python threads (a request count and a time
   limit, whichever comes first); p50/p95/max latency and requests per second; the workers'
   peak RSS. gunicorn is stopped by its PID at the end, on Ctrl-C and on any error.
3. render_markdown on a 50,000-character post (median of 5).

Prints a table and the verdicts (PASS/WARN: the bench reports, the tests enforce) and writes
everything to bench/results/<UTC timestamp>-<database>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import environment
from bench.corpus import COMMON_WORD, RARE_WORD, huge_post

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: The depth of the "deep page" of Latest, in threads (capped at 75% of what exists).
DEEP_THREAD = 15_000
WRITE_PROBE_REQUESTS = 12  # > the view counter's flush interval, so a flush is seen
WRITE_RE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
VIEW_FLUSH_RE = re.compile(r'UPDATE\s+"community_thread"\s+SET\s+"view_count"', re.IGNORECASE)


@dataclass
class Page:
    key: str
    label: str
    path: str
    member: bool = False
    #: Each request asks a new address (a counter in an ignored parameter), so no cache
    #: answers: what a query costs the first time anyone asks it.
    fresh: bool = False


@dataclass
class QueryPlan:
    sql: str
    ms: float
    plan: str
    scans: list[str]  # plan lines that read a whole table or index (or filter many rows out)
    work: int = 0  # SQLite: virtual-machine steps; PostgreSQL: 8 KB buffers touched
    rows: int = 0  # rows the query returned

    @property
    def work_per_row(self) -> float:
        return self.work / max(self.rows, 1)


@dataclass
class Capture:
    """One in-process request's SQL (after a warm-up request), then a dozen more for writes."""

    status: int
    queries: int
    sql_ms: float
    slowest_ms: float
    slowest_sql: str
    offset_queries: int
    app_ms: float = 0.0  # median in-process time of the probe requests (no HTTP, no load)
    writes: list[str] = field(default_factory=list)  # over the probe, view flushes aside
    probe_requests: int = 0
    view_flushes: int = 0
    plans: list[QueryPlan] = field(default_factory=list)
    response_kb: float = 0.0

    @property
    def scans(self) -> list[tuple[float, str]]:
        return [(plan.ms, line) for plan in self.plans for line in plan.scans]

    def plan_for(self, pattern: str) -> QueryPlan | None:
        return next((p for p in self.plans if re.search(pattern, p.sql)), None)


@dataclass
class Load:
    requests: int
    errors: int
    statuses: dict[str, int]
    p50_ms: float
    p95_ms: float
    max_ms: float
    rps: float
    seconds: float
    other_cpu_pct: float = math.nan  # CPU other processes took meanwhile (a noisy machine)


@dataclass
class Result:
    page: Page
    capture: Capture | None = None
    load: Load | None = None


@dataclass
class Claim:
    claim: str
    measured: str
    verdict: str  # PASS, WARN or INFO


# --- Arguments --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, default=200, help="per page, at most")
    parser.add_argument("--seconds", type=float, default=10.0, help="per page, at most")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=60.0, help="one request, at most")
    parser.add_argument(
        "--budget-ms", type=float, default=200.0, help="p95 a page should stay under"
    )
    parser.add_argument(
        "--ratio", type=float, default=1.5, help="how much slower a deep page may be than page 1"
    )
    parser.add_argument(
        "--pair-rounds",
        type=int,
        default=40,
        help="page 1 / deep page comparisons: alternating requests of each, at most",
    )
    parser.add_argument(
        "--slow-sql-ms", type=float, default=20.0, help="show the plan of queries slower than this"
    )
    parser.add_argument("--only", default="", help="comma-separated page keys (default: all)")
    parser.add_argument("--skip-collectstatic", action="store_true")
    parser.add_argument(
        "--no-http",
        action="store_true",
        help="in-process measurements only: no gunicorn, no load (quick SQL and plan check)",
    )
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/")
    environment.add_arguments(parser)
    return parser.parse_args(argv)


# --- The pages, found in the generated community ----------------------------------------------


@dataclass
class Community:
    pages: list[Page]
    sizes: dict[str, int]
    member_id: int
    notes: dict[str, Any]


def _deep_cursor(queryset: Any, depth: int) -> tuple[str, int]:
    """A cursor that opens the list at about its `depth`-th row (capped at 75% of it)."""
    from community.pagination import Cursor

    total = queryset.count()
    position = max(min(depth, int(total * 0.75)), 1)
    at, pk = queryset.order_by("-last_activity_at", "-id").values_list("last_activity_at", "id")[
        position - 1
    ]
    return Cursor(at=at, id=pk).encode(), position


def discover() -> Community:
    """The pages to measure, with ids and cursors read from the benchmark database."""
    from urllib.parse import quote, urlencode

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count, Q

    from bench.generate import BENCH_MEMBER_HANDLE, BIG_THREAD_TITLE
    from community import policies, selectors
    from community.models import Category, Post, Thread
    from community.views import thread_url
    from members.models import User

    visitor = AnonymousUser()
    if not Thread.objects.exists():
        raise SystemExit("bench: the benchmark database is empty; run python -m bench.generate.")
    big = (
        Thread.objects.filter(title=BIG_THREAD_TITLE).first()
        or Thread.objects.order_by("-post_count").first()
    )
    assert big is not None  # noqa: S101  # the database has threads
    public = policies.visible_threads(visitor)
    normal = (
        public.filter(post_count__range=(8, 20)).exclude(pk=big.pk).order_by("-id").first()
        or public.exclude(pk=big.pk).order_by("-post_count").first()
        or big
    )
    latest_cursor, latest_depth = _deep_cursor(public.exclude(is_pinned_globally=True), DEEP_THREAD)
    category = (
        Category.objects.filter(access=Category.Access.PUBLIC)
        .annotate(n=Count("threads"))
        .order_by("-n")
        .first()
    )
    assert category is not None  # noqa: S101  # the generator makes public categories
    category_cursor, category_depth = _deep_cursor(
        public.filter(category=category).exclude(Q(is_pinned=True) | Q(is_pinned_globally=True)),
        DEEP_THREAD,
    )
    # The newest member who posted: a lookup that walks the user table by id shows here.
    author_id = (
        Post.objects.filter(author__is_active=True, author__profile_visibility="everyone")
        .order_by("-author_id")
        .values_list("author_id", flat=True)
        .first()
    )
    if author_id is None:
        raise SystemExit("bench: no public member has posted; regenerate the community.")
    author = User.objects.get(pk=author_id)
    member = User.objects.get(handle=BENCH_MEMBER_HANDLE)
    last_page = selectors.page_count(big)
    search = "/forum/search/?"
    pages = [
        Page("healthz", "/healthz", "/healthz"),
        Page("latest", "Latest, page 1", "/forum/"),
        Page(
            "latest_deep",
            f"Latest, thread {latest_depth:,}",
            f"/forum/?cursor={quote(latest_cursor)}",
        ),
        Page("categories", "Categories index", "/forum/categories/"),
        Page("category", f"Category {category.slug}, p1", f"/c/{category.slug}/"),
        Page(
            "category_deep",
            f"Category {category.slug}, thread {category_depth:,}",
            f"/c/{category.slug}/?cursor={quote(category_cursor)}",
        ),
        Page("thread", f"Big thread ({big.post_count:,}), p1", thread_url(big)),
        Page(
            "thread_last",
            f"Big thread, last page ({last_page})",
            thread_url(big, page=last_page),
        ),
        Page("thread_normal", f"Thread of {normal.post_count} posts", thread_url(normal)),
        Page("search_common", f"Search '{COMMON_WORD}'", search + urlencode({"q": COMMON_WORD})),
        Page("search_rare", f"Search '{RARE_WORD}'", search + urlencode({"q": RARE_WORD})),
        Page("directory", "Member directory", "/members/"),
        Page("profile", f"Profile @{author.handle}", f"/u/{author.handle}/"),
        Page("m_latest", "Latest, page 1", "/forum/", member=True),
        Page("m_unread", "Latest, unread filter", "/forum/?filter=unread", member=True),
        Page("m_for_you", "For you", "/forum/for-you/", member=True),
        Page(
            "m_thread_last",
            "Big thread, last page",
            thread_url(big, page=last_page),
            member=True,
        ),
    ]
    sizes = {
        "members": User.objects.count(),
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "big_thread_posts": big.post_count,
    }
    notes = {
        "big_thread_id": big.pk,
        "normal_thread_id": normal.pk,
        "latest_deep_position": latest_depth,
        "category": category.slug,
        "category_deep_position": category_depth,
        "profile": author.handle,
    }
    return Community(pages=pages, sizes=sizes, member_id=member.pk, notes=notes)


# --- In-process: SQL per page -----------------------------------------------------------------


def _explain(sql: str) -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                return "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            rows = cursor.fetchall()
    except Exception as error:  # a plan is a nice-to-have; say why it is missing
        return f"(no plan: {type(error).__name__}: {error})"
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + str(detail))
    return "\n".join(lines)


#: Plan lines whose cost grows with a table: SQLite walking a table or a whole index, PostgreSQL
#: reading 1,000+ rows sequentially or throwing 1,000+ rows away after an index lookup.
_SQLITE_SCAN = re.compile(r"^\s*SCAN (?!CONSTANT|community_category\b|core_topic\b|members_tier\b)")
_PG_NODE = re.compile(
    r"(?:->\s+)?([A-Z][A-Za-z ]*?Scan[^(]*).*?actual time=\S+ rows=(\d+) loops=(\d+)"
)
_PG_REMOVED = re.compile(r"Rows Removed by (?:Filter|Join Filter|Index Recheck): (\d+)")
BIG_READ = 1000


def _scans(plan: str) -> list[str]:
    found = [line.strip() for line in plan.splitlines() if _SQLITE_SCAN.search(line)]
    node, read, removed, loops = "", 0, 0, 1

    def close() -> None:
        if node and (removed >= BIG_READ or ("Seq Scan" in node and read + removed >= BIG_READ)):
            found.append(f"{node.strip()}: {read + removed:,} rows read, {removed:,} discarded")

    for line in plan.splitlines():
        match = _PG_NODE.search(line)
        if match:
            close()
            node, loops = match.group(1), int(match.group(3))
            read, removed = int(match.group(2)) * loops, 0
        elif "->" in line:
            close()
            node, read, removed, loops = "", 0, 0, 1
        elif gone := _PG_REMOVED.search(line):
            removed += int(gone.group(1)) * loops  # EXPLAIN shows per-loop averages
    close()
    return found


def _work(sql: str, plan: str) -> tuple[int, int]:
    """(work, rows) for one SELECT: SQLite VM steps of a re-run, or PostgreSQL's buffers."""
    from django.db import connection

    if connection.vendor == "postgresql":
        buffers = re.search(r"Buffers: shared((?: \w+=\d+)+)", plan)
        touched = sum(int(n) for n in re.findall(r"=(\d+)", buffers.group(1))) if buffers else 0
        top = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", plan)
        return touched, int(top.group(1)) * int(top.group(2)) if top else 0
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 100
        return 0

    connection.ensure_connection()
    raw = connection.connection
    try:
        raw.set_progress_handler(count, 100)
        rows = raw.execute(sql).fetchall()
    except Exception:  # the SQL text is rebuilt by Django for display; rarely it won't run
        return 0, 0
    finally:
        raw.set_progress_handler(None, 0)
    return steps, len(rows)


def capture_page(client: Any, page: Page) -> Capture:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page.path)  # warm-up: templates, per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    queries = captured.captured_queries
    times = [float(q["time"]) * 1000 for q in queries]
    slowest = max(range(len(queries)), key=lambda i: times[i]) if queries else None
    result = Capture(
        status=response.status_code,
        queries=len(queries),
        sql_ms=round(sum(times), 2),
        slowest_ms=round(times[slowest], 2) if slowest is not None else 0.0,
        slowest_sql=queries[slowest]["sql"] if slowest is not None else "",
        offset_queries=sum(1 for q in queries if re.search(r"\bOFFSET\b", q["sql"], re.I)),
        response_kb=round(len(response.content) / 1024, 1),
    )
    for query, ms in zip(queries, times, strict=True):
        if query["sql"].lstrip().upper().startswith("SELECT"):
            plan = _explain(query["sql"])
            work, rows = _work(query["sql"], plan)
            result.plans.append(
                QueryPlan(query["sql"], round(ms, 2), plan, _scans(plan), work=work, rows=rows)
            )
    elapsed = []
    with CaptureQueriesContext(connection) as probe:
        for _ in range(WRITE_PROBE_REQUESTS):
            began = time.perf_counter()
            client.get(page.path)
            elapsed.append((time.perf_counter() - began) * 1000)
    result.app_ms = round(statistics.median(elapsed), 1)
    written = [q["sql"] for q in probe.captured_queries if WRITE_RE.match(q["sql"])]
    result.view_flushes = sum(1 for sql in written if VIEW_FLUSH_RE.search(sql))
    result.writes = [sql[:300] for sql in written if not VIEW_FLUSH_RE.search(sql)]
    result.probe_requests = WRITE_PROBE_REQUESTS
    return result


#: The bench member's CSRF cookie: a secret as Django makes them (32 letters and digits).
BENCH_CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def member_session(member_id: int) -> str:
    """A signed-in session for the bench member, stored in the database gunicorn reads."""
    from django.conf import settings
    from django.test import Client

    from members.models import User

    client = Client()
    client.force_login(User.objects.get(pk=member_id))
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


# --- Over HTTP: gunicorn and the load ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            status = (entry / "status").read_text()
            if re.search(rf"^PPid:\s+{pid}$", status, re.M):
                found.append(int(entry.name))
    return found


def _memory_kb(pid: int) -> dict[str, int]:
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                values[name] = int(rest.split()[0])
    return values


class Gunicorn:
    """gunicorn in its own session (Ctrl-C reaches us, not it); stopped by PID, always."""

    def __init__(self, target: environment.Target, workers: int, log_path: Path) -> None:
        self.target = target
        self.workers = workers
        self.port = _free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_kb: dict[int, int] = {}
        self.worker_pids: set[int] = set()

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
            command,
            cwd=environment.BASE_DIR,
            env=self.target.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise SystemExit(f"bench: gunicorn exited ({self.process.returncode}):\n{tail}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    self.sample()
                    return
            time.sleep(0.2)
        raise SystemExit("bench: gunicorn did not answer /healthz within 60 s.")

    def sample(self) -> None:
        """Remember the workers' peak RSS so far (a restarted worker keeps its record)."""
        if self.process is None:
            return
        pids = [self.process.pid, *_children(self.process.pid)]
        for pid in pids:
            if pid != self.process.pid:
                self.worker_pids.add(pid)
            peak = _memory_kb(pid).get("VmHWM")
            if peak:
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), peak)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            self.sample()
        self.process.terminate()  # SIGTERM to the master's PID: it stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for pid in self.worker_pids:  # a worker that outlived its master
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"gunicorn" in cmdline and self.process.pid not in _children(pid):
                    os.kill(pid, signal.SIGKILL)


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return math.nan
    index = min(len(sorted_values) - 1, max(0, math.ceil(share * len(sorted_values)) - 1))
    return sorted_values[index]


def load_page(port: int, page: Page, cookie: str, args: argparse.Namespace) -> Load:
    """GET the page from `concurrency` threads until the count or the time is reached.

    A few concurrent requests first, not counted, so that every worker has loaded the page's
    templates and its database connection before the clock starts.
    """
    _hammer(port, page, cookie, args, requests=3 * max(args.workers, args.concurrency), seconds=30)
    latencies, statuses, wall = _hammer(
        port, page, cookie, args, requests=args.requests, seconds=args.seconds
    )
    ordered = sorted(latencies)
    return Load(
        requests=len(ordered),
        errors=sum(n for status, n in statuses.items() if status != "200"),
        statuses=dict(statuses),
        p50_ms=round(_percentile(ordered, 0.50), 2),
        p95_ms=round(_percentile(ordered, 0.95), 2),
        max_ms=round(ordered[-1], 2) if ordered else math.nan,
        rps=round(len(ordered) / wall, 1) if wall else 0.0,
        seconds=round(wall, 2),
    )


def _hammer(
    port: int, page: Page, cookie: str, args: argparse.Namespace, *, requests: int, seconds: float
) -> tuple[list[float], Counter[str], float]:
    """(latencies in ms, statuses, wall seconds) of up to `requests` GETs within `seconds`."""
    from django.conf import settings

    headers = {"Connection": "keep-alive", "User-Agent": "hearth-bench"}
    if page.member:
        # What the member's browser sends after its first page: the session and the CSRF
        # cookie that page set (a form-bearing page is only stored for a known CSRF secret).
        headers["Cookie"] = (
            f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={BENCH_CSRF}"
        )
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    issued = 0
    started = time.perf_counter()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
        try:
            while True:
                with lock:
                    if issued >= requests or time.monotonic() >= deadline:
                        return
                    issued += 1
                    path = f"{page.path}&fresh={issued}" if page.fresh else page.path
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = str(response.status)
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[status] += 1
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, daemon=True, name=f"bench-client-{n}")
        for n in range(args.concurrency)
    ]
    for thread in threads:
        thread.start()
    # Each thread stops by itself at the deadline; a hung request is cut by the socket timeout.
    hard_stop = time.monotonic() + seconds + args.timeout + 5
    for thread in threads:
        thread.join(timeout=max(hard_stop - time.monotonic(), 0.1))
    wall = time.perf_counter() - started
    with lock:
        return list(latencies), Counter(statuses), wall


#: (claim, page 1, the deep/last page): compared side by side, one request at a time.
PAIRS = [
    ("Latest: a deep page costs what page 1 costs", "latest", "latest_deep"),
    ("Category: a deep page costs what page 1 costs", "category", "category_deep"),
    ("Big thread: the last page costs what page 1 costs", "thread", "thread_last"),
]


@dataclass
class Pair:
    claim: str
    first: str
    second: str
    rounds: int
    first_p50_ms: float
    second_p50_ms: float
    other_cpu_pct: float = math.nan


def measure_pair(
    port: int, claim: str, first: Page, second: Page, args: argparse.Namespace
) -> Pair:
    """Alternate the two pages on one connection (ABBA…), so drift and noise hit both alike."""
    timings: dict[str, list[float]] = {first.key: [], second.key: []}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
    deadline = time.monotonic() + max(args.seconds, 5.0)
    rounds = 0
    try:
        for page in (first, second, second, first):  # warm-up, not counted
            connection.request("GET", page.path)
            connection.getresponse().read()
        while rounds < args.pair_rounds and time.monotonic() < deadline:
            order = (first, second) if rounds % 2 == 0 else (second, first)
            for page in order:
                began = time.perf_counter()
                connection.request("GET", page.path, headers={"User-Agent": "hearth-bench"})
                response = connection.getresponse()
                response.read()
                timings[page.key].append((time.perf_counter() - began) * 1000)
            rounds += 1
    finally:
        connection.close()
    return Pair(
        claim=claim,
        first=first.key,
        second=second.key,
        rounds=rounds,
        first_p50_ms=round(statistics.median(timings[first.key]), 2),
        second_p50_ms=round(statistics.median(timings[second.key]), 2),
    )


def collectstatic(target: environment.Target) -> None:
    started = time.perf_counter()
    subprocess.run(  # our own interpreter and manage.py
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=environment.BASE_DIR,
        env=target.environment(),
        check=True,
    )
    print(f"collectstatic into {target.static_root}: {time.perf_counter() - started:.1f} s")


def time_markdown(runs: int = 5) -> dict[str, Any]:
    from core.markdown import render_markdown

    source = huge_post(50_000)
    timings = []
    html = ""
    for _ in range(runs):
        began = time.perf_counter()
        html = render_markdown(source).html
        timings.append((time.perf_counter() - began) * 1000)
    return {
        "source_chars": len(source),
        "code_blocks": source.count("```") // 2,
        "html_chars": len(html),
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "runs": runs,
    }


# --- Verdicts ---------------------------------------------------------------------------------


def _pair_claim(pair: Pair, limit: float) -> Claim:
    a, b = pair.first_p50_ms, pair.second_p50_ms
    ratio = b / a if a else math.inf
    # A 3 ms allowance: at a few milliseconds, noise is bigger than any real difference.
    ok = ratio <= limit or (b - a) <= 3.0
    measured = (
        f"p50 {b:.1f} ms vs {a:.1f} ms (x{ratio:.2f}, limit x{limit}; "
        f"{pair.rounds} alternating requests each)"
    )
    return Claim(pair.claim, measured, "PASS" if ok else "WARN")


#: The thread-list query: the page of threads itself (30 rows + 1 to know there is more).
LIST_QUERY = r'FROM "community_thread".*LIMIT 31\b'
#: The posts of one thread page, by number range.
POSTS_QUERY = r'FROM "community_post".*"community_post"\."number" >= '
#: (claim, page 1, the deep/last page, the query that must not grow with depth)
WORK_PAIRS = [
    (
        "Latest: the deep page's thread query reads what page 1's reads",
        "latest",
        "latest_deep",
        LIST_QUERY,
    ),
    (
        "Category: the deep page's thread query reads what page 1's reads",
        "category",
        "category_deep",
        LIST_QUERY,
    ),
    ("Big thread: page 1 and the last page read the same", "thread", "thread_last", POSTS_QUERY),
]
#: A query reads "about the rows it returns" below these. SQLite counts virtual-machine steps
#: (~100 per row joined three ways), PostgreSQL 8 KB buffers (~5 per row).
WORK_UNIT = {"sqlite": "VM steps", "postgresql": "buffers"}
WORK_ALLOWANCE = {"sqlite": 5_000, "postgresql": 50}  # noise: joins, small tables
WORK_FLAG = {"sqlite": (5_000, 1_000), "postgresql": (50, 20)}  # (total, per row returned)


def heavy_queries(results: dict[str, Result], vendor: str) -> list[tuple[str, QueryPlan]]:
    """Queries that read far more than they return: their cost grows with a table."""
    total, per_row = WORK_FLAG[vendor]
    return [
        (r.page.key, plan)
        for r in results.values()
        if r.capture
        for plan in r.capture.plans
        if plan.work >= total and plan.work_per_row >= per_row
    ]


def _table_of(sql: str) -> str:
    match = re.search(r'FROM "(\w+)"', sql)
    return match.group(1) if match else "?"


def verdicts(
    results: dict[str, Result], pairs: list[Pair], args: argparse.Namespace, vendor: str
) -> list[Claim]:
    claims: list[Claim] = []
    unit = WORK_UNIT[vendor]
    for pair in pairs:
        claims.append(_pair_claim(pair, args.ratio))
    for claim, first_key, second_key, pattern in WORK_PAIRS:
        first, second = results.get(first_key), results.get(second_key)
        if not (first and second and first.capture and second.capture):
            continue
        a, b = first.capture.plan_for(pattern), second.capture.plan_for(pattern)
        if a is None or b is None:
            claims.append(Claim(claim, "query not found", "WARN"))
            continue
        low, high = sorted((a.work, b.work))
        ok = high <= 2 * low + WORK_ALLOWANCE[vendor]
        claims.append(
            Claim(
                claim,
                f"{b.work:,} vs {a.work:,} {unit} ({second_key} vs {first_key}); "
                f"{b.ms:.1f} vs {a.ms:.1f} ms",
                "PASS" if ok else "WARN",
            )
        )
    for key in ("latest_deep", "category_deep"):
        result = results.get(key)
        if result and result.capture:
            capture = result.capture
            plan = capture.plan_for(LIST_QUERY)
            scans = plan.scans if plan else []
            ok = capture.offset_queries == 0 and plan is not None and not scans
            measured = f"{capture.offset_queries} OFFSET; " + (
                f"plan: {scans[0]}" if scans else "plan: an index range"
            )
            claims.append(
                Claim(
                    f"{result.page.label}: keyset on an index", measured, "PASS" if ok else "WARN"
                )
            )
    heavy = heavy_queries(results, vendor)
    claims.append(
        Claim(
            "Every query reads about the rows it returns",
            "yes"
            if not heavy
            else "; ".join(
                f"{key}: {_table_of(plan.sql)} {plan.work:,} {unit} for {plan.rows} rows"
                for key, plan in heavy
            ),
            "PASS" if not heavy else "WARN",
        )
    )

    def counts(keys: list[str]) -> dict[str, int]:
        return {
            k: r.capture.queries for k in keys if (r := results.get(k)) and r.capture is not None
        }

    for label, keys, allowance in (
        # Page 1 also loads the pinned threads and their topics: two queries more.
        ("Latest: same queries, page 1 and deep", ["latest", "latest_deep"], 2),
        ("Category: same queries, page 1 and deep", ["category", "category_deep"], 2),
        (
            "Thread: same queries, page 1, last page, small thread",
            ["thread", "thread_last", "thread_normal"],
            0,
        ),
        ("Search: same queries, common and rare word", ["search_common", "search_rare"], 0),
    ):
        found = counts(keys)
        if len(found) < 2:
            continue
        values = list(found.values())
        ok = max(values) - min(values) <= allowance and values[0] == max(values)
        claims.append(
            Claim(
                label,
                ", ".join(f"{k}={v}" for k, v in found.items()),
                "PASS" if ok else "WARN",
            )
        )

    anonymous = [r.capture for r in results.values() if r.capture and not r.page.member]
    if anonymous:
        writes = [sql for capture in anonymous for sql in capture.writes]
        probes = sum(capture.probe_requests for capture in anonymous)
        claims.append(
            Claim(
                "Anonymous GETs write nothing",
                f"{len(writes)} writes in {probes} requests"
                + (f": {writes[0][:80]}" if writes else ""),
                "PASS" if not writes else "WARN",
            )
        )
        claims.append(
            Claim(
                "Thread view counter (batched in the cache)",
                f"{sum(c.view_flushes for c in anonymous)} UPDATE view_count in "
                f"{probes} anonymous requests",
                "INFO",
            )
        )

    for key in ("search_common", "search_rare"):
        result = results.get(key)
        if result and result.load:
            p95 = result.load.p95_ms
            claims.append(
                Claim(
                    f"{result.page.label} is fast",
                    f"p95 {p95:.1f} ms (budget {args.budget_ms:.0f} ms)",
                    "PASS" if p95 <= args.budget_ms else "WARN",
                )
            )
    loaded = [r for r in results.values() if r.load]
    if loaded:
        over = [
            f"{r.page.key} {r.load.p95_ms:.0f}"
            for r in loaded
            if r.load and r.load.p95_ms > args.budget_ms
        ]
        claims.append(
            Claim(
                f"Every page: p95 under {args.budget_ms:.0f} ms",
                "all within" if not over else "over: " + ", ".join(over) + " ms",
                "PASS" if not over else "WARN",
            )
        )
    failed = [
        f"{r.page.key} {r.load.statuses}" for r in results.values() if r.load and r.load.errors
    ]
    bad_status = [
        f"{r.page.key} {r.capture.status}"
        for r in results.values()
        if r.capture and r.capture.status != 200
    ]
    claims.append(
        Claim(
            "Every response is 200",
            "yes" if not (failed or bad_status) else "; ".join(failed + bad_status),
            "PASS" if not (failed or bad_status) else "WARN",
        )
    )
    return claims


# --- Output -----------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def print_report(
    results: list[Result],
    claims: list[Claim],
    rss: dict[str, Any],
    markdown: dict[str, Any] | None,
    meta: dict[str, Any],
    slow_sql_ms: float,
) -> None:
    print()
    print(
        f"Hearth benchmark — {meta['database']} — {meta['sizes']} — gunicorn -w "
        f"{meta['workers']}, {meta['concurrency']} client threads, {meta['cpus']} CPUs"
    )
    header = (
        "page",
        "who",
        "reqs",
        "err",
        "p50 ms",
        "p95 ms",
        "max ms",
        "req/s",
        "bg CPU",
        "app ms",
        "SQL q",
        "SQL ms",
        "SQL work",
        "writes",
        "KB",
    )
    rows = []
    for result in results:
        load, capture = result.load, result.capture
        writes = "-"
        if capture:
            writes = str(len(capture.writes)) + (
                f"+{capture.view_flushes}v" if capture.view_flushes else ""
            )
        rows.append(
            (
                result.page.label,
                "member" if result.page.member else "visitor",
                str(load.requests) if load else "-",
                str(load.errors) if load else "-",
                _fmt(load.p50_ms) if load else "-",
                _fmt(load.p95_ms) if load else "-",
                _fmt(load.max_ms) if load else "-",
                _fmt(load.rps) if load else "-",
                f"{_fmt(load.other_cpu_pct, 0)}%" if load else "-",
                _fmt(capture.app_ms) if capture else "-",
                str(capture.queries) if capture else "-",
                _fmt(capture.sql_ms) if capture else "-",
                f"{sum(p.work for p in capture.plans):,}" if capture else "-",
                writes,
                _fmt(capture.response_kb) if capture else "-",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(
        h.ljust(w) if i < 2 else h.rjust(w)
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(
        "p50/p95/max/req/s: over HTTP under load. bg CPU: share of the machine other processes "
        "used meanwhile\n(noise). app ms: median in-process time of one request (no HTTP, no "
        "load).\nSQL q / SQL ms: queries of one request and their time. SQL work: "
        f"{WORK_UNIT[meta['vendor']]} its SELECTs take (what grows with a table). writes: "
        f"INSERT/UPDATE/DELETE over {WRITE_PROBE_REQUESTS} in-process requests after a warm-up "
        "(+Nv: batched view-counter flushes)."
    )
    print()
    workers = rss.get("workers_peak_mb", [])
    if workers:
        print(
            f"gunicorn peak RSS (VmHWM): workers {', '.join(f'{w:.0f}' for w in workers)} MB; "
            f"master {rss.get('master_peak_mb', 0):.0f} MB"
        )
    if markdown:
        print(
            f"render_markdown, {markdown['source_chars']:,} chars with {markdown['code_blocks']} "
            f"code blocks: median {markdown['median_ms']} ms (min {markdown['min_ms']}, "
            f"max {markdown['max_ms']}, {markdown['runs']} runs)"
        )
    print()
    width = max(len(c.claim) for c in claims) if claims else 10
    print(f"{'claim'.ljust(width)}  verdict  measured")
    print("-" * (width + 40))
    for claim in claims:
        print(f"{claim.claim.ljust(width)}  {claim.verdict.ljust(7)}  {claim.measured}")
    vendor = meta["vendor"]
    keyed = {r.page.key: r for r in results}
    heavy = heavy_queries(keyed, vendor)
    slow = [
        (r.page.key, plan)
        for r in results
        if r.capture
        for plan in r.capture.plans
        if plan.ms >= slow_sql_ms
    ]
    shown = list({id(plan): (key, plan) for key, plan in heavy + slow}.values())
    if shown:
        print()
        print(
            f"Queries that read far more than they return ({WORK_UNIT[vendor]}), or took "
            f"{slow_sql_ms:.0f} ms or more, in-process, with their plans:"
        )
        for key, plan in shown:
            print(
                f"\n== {key}: {_table_of(plan.sql)}, {plan.work:,} {WORK_UNIT[vendor]} for "
                f"{plan.rows} rows, {plan.ms:.1f} ms"
            )
            sql = plan.sql
            print("   " + (sql if len(sql) <= 700 else sql[:250] + " … " + sql[-450:]))
            lines = plan.plan.splitlines()
            if vendor == "postgresql":  # the nodes and their row counts; the JSON has it all
                lines = [
                    line
                    for line in lines
                    if re.search(r"->|^\S|Rows Removed|Filter:|Index Cond|Execution Time", line)
                ]
            print("\n".join("     " + line[:160] for line in lines[:24]))


def write_json(payload: dict[str, Any], vendor: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}-{vendor}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def _git_commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607  # git on PATH
            cwd=environment.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return ""


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so the finally blocks stop gunicorn."""

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    # Ctrl-C must reach us even when started in the background (where SIGINT starts ignored).
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class CpuMeter:
    """How much of the machine's CPU processes other than the bench and gunicorn took.

    The client shares the cores with the server; another test run on the machine makes every
    latency worse, and this says when it happened.
    """

    def __init__(self, server: Gunicorn) -> None:
        self.server = server
        self.last = self._snapshot()

    def _snapshot(self) -> tuple[int, int, int]:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields[i] for i in (0, 1, 2, 5, 6, 7) if i < len(fields))
        total = busy + fields[3] + (fields[4] if len(fields) > 4 else 0)
        pids = [os.getpid()]
        if self.server.process is not None:
            pids += [self.server.process.pid, *_children(self.server.process.pid)]
        ours = 0
        for pid in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ours += int(stat[11]) + int(stat[12])  # utime, stime
        return busy, total, ours

    def other_share(self) -> float:
        """The other processes' share of all CPUs since the last call, in percent."""
        busy, total, ours = self._snapshot()
        last_busy, last_total, last_ours = self.last
        self.last = (busy, total, ours)
        elapsed = total - last_total
        if elapsed <= 0:
            return math.nan
        return round(max(busy - last_busy - (ours - last_ours), 0) * 100 / elapsed, 1)


def run_http(
    server: Gunicorn,
    pages: list[Page],
    results: dict[str, Result],
    cookie: str,
    args: argparse.Namespace,
) -> list[Pair]:
    """Start gunicorn, load every page, compare the pairs. The caller stops gunicorn."""
    server.start()
    print(
        f"gunicorn (pid {server.process.pid if server.process else '?'}) on "
        f"127.0.0.1:{server.port}; load: {args.requests} requests or {args.seconds:.0f} s "
        f"per page, {args.concurrency} threads",
        flush=True,
    )
    meter = CpuMeter(server)
    for page in pages:
        load = load_page(server.port, page, cookie, args)
        load.other_cpu_pct = meter.other_share()
        results[page.key].load = load
        server.sample()
        print(
            f"  {page.key:<15} {load.requests:>4} reqs  p50 {load.p50_ms:>8.1f} ms  "
            f"p95 {load.p95_ms:>8.1f} ms  {load.rps:>6.1f}/s  other CPU {load.other_cpu_pct}%"
            + (f"  errors {load.statuses}" if load.errors else ""),
            flush=True,
        )
    pairs = [
        measure_pair(server.port, claim, results[a].page, results[b].page, args)
        for claim, a, b in PAIRS
        if a in results and b in results
    ]
    other = meter.other_share()
    for pair in pairs:
        pair.other_cpu_pct = other
        print(
            f"  {pair.first} vs {pair.second}: p50 {pair.first_p50_ms:.1f} vs "
            f"{pair.second_p50_ms:.1f} ms over {pair.rounds} alternating rounds",
            flush=True,
        )
    return pairs


def _load_average() -> float:
    with contextlib.suppress(OSError):
        return os.getloadavg()[0]
    return math.nan


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = _load_average()
    target = environment.resolve(args)
    if target.vendor == "sqlite" and not (target.sqlite_path and target.sqlite_path.exists()):
        raise SystemExit(
            f"bench: no database at {target.sqlite_path}; run python -m bench.generate"
        )
    environment.activate(target)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    with _sigterm_as_exit():
        community = discover()
        only = {key.strip() for key in args.only.split(",") if key.strip()}
        pages = [
            p for p in community.pages if not only or p.key in only or p.key.startswith(tuple(only))
        ]
        if not pages:
            raise SystemExit(f"bench: no page matches --only {args.only!r}.")
        print(f"Benchmark community: {target.label}, {community.sizes}")
        if not args.skip_collectstatic:
            collectstatic(target)

        cookie = member_session(community.member_id)
        results = {page.key: Result(page=page) for page in pages}
        server = Gunicorn(target, args.workers, target.var_dir / "gunicorn.log")
        pairs: list[Pair] = []
        try:
            visitor, member = Client(), Client()
            member.cookies[settings.SESSION_COOKIE_NAME] = cookie
            print("In-process: SQL per page…", flush=True)
            for page in pages:
                results[page.key].capture = capture_page(member if page.member else visitor, page)
            connection.close()  # gunicorn's workers open their own
            if not args.no_http:
                pairs = run_http(server, pages, results, cookie, args)
            markdown = time_markdown()
        finally:
            if server.process is not None:
                server.stop()
                print(f"gunicorn stopped (log: {server.log_path})")
            from django.contrib.sessions.models import Session

            Session.objects.filter(session_key=cookie).delete()

    peaks = server.peak_kb
    master_pid = server.process.pid if server.process else 0
    rss = {
        "workers_peak_mb": [
            round(kb / 1024, 1) for pid, kb in sorted(peaks.items()) if pid != master_pid
        ],
        "master_peak_mb": round(peaks.get(master_pid, 0) / 1024, 1),
        "worker_pids_seen": sorted(server.worker_pids),
    }
    ordered = [results[p.key] for p in pages]
    claims = verdicts(results, pairs, args, target.vendor)
    meta = {
        "timestamp": datetime.now(UTC).isoformat(),
        "git_commit": _git_commit(),
        "database": target.label,
        "vendor": target.vendor,
        "sizes": community.sizes,
        "notes": community.notes,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "requests_per_page": args.requests,
        "seconds_per_page": args.seconds,
        "cpus": os.cpu_count(),
        # The client shares the machine with gunicorn; other work on it makes latencies noisy.
        "load_average_1m": {"before": load_before, "after": _load_average()},
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    print_report(ordered, claims, rss, markdown, meta, args.slow_sql_ms)
    if load_before > (os.cpu_count() or 1) * 0.5:
        print(
            f"\nNote: the machine was already busy when the run began (1-minute load average "
            f"{load_before:.1f} on {os.cpu_count()} CPUs): latencies are noisier than usual."
        )
    noisy = [r.load.other_cpu_pct for r in ordered if r.load and r.load.other_cpu_pct > 15]
    if noisy:
        print(
            f"\nNote: other processes took up to {max(noisy):.0f}% of the CPU while pages were "
            "loaded (column bg CPU): those rows' latencies are inflated. app ms, SQL work and the "
            "paired comparisons are the steadier numbers."
        )
    if not args.no_json:
        payload = {
            "meta": meta,
            "pages": [
                {
                    "page": asdict(r.page),
                    "capture": asdict(r.capture) if r.capture else None,
                    "load": asdict(r.load) if r.load else None,
                }
                for r in ordered
            ],
            "pairs": [asdict(p) for p in pairs],
            "claims": [asdict(c) for c in claims],
            "rss": rss,
            "markdown": markdown,
        }
        print(f"\nWritten: {write_json(payload, target.vendor)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the finally blocks have stopped gunicorn by now
        print("\nbench: interrupted.", file=sys.stderr)
        sys.exit(130)
