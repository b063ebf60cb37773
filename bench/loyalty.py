"""Loyalty at scale: the leaderboards on 100,000 members and 2,000,000 ledger rows, the
anniversary and birthday run over 50,000 members, and tier recomputation for 50,000.

Builds a throwaway community in its own SQLite file (var/bench-loyalty/): members in many
time zones (a few staff and suspended, who are never ranked) and a year of ledger rows,
written in bulk; the leaderboard summaries are then rebuilt from the ledger (timed: it is
what the replay does). Measured, in this process with DEBUG off:

- each leaderboard page (this week, this month, all time, top helpers, a topic) as a
  signed-in member: p95 under the forum pages' budget (200 ms), and the same number of
  queries on every board;
- the celebrations sweep over 50,000 members whose anniversary or birthday it is, Celery
  eager, email to the dummy backend: every member greeted once, and a second run greets
  nobody;
- tier recomputation for 50,000 members (target under 30 s), when the tiers are merged
  (members.loyalty.tiers.refresh_all_tiers); SKIP otherwise.

    .venv/bin/python -m bench.loyalty                      # full size (several minutes)
    .venv/bin/python -m bench.loyalty --members 5000 --ledger 100000 --celebrations 2000
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.environment import BASE_DIR, Target

MEMBERS = 100_000
LEDGER_ROWS = 2_000_000
CELEBRATIONS = 50_000
TIERS = 50_000
PAGE_BUDGET_MS = 200.0
TIER_TARGET_SECONDS = 30.0
REQUESTS_PER_BOARD = 30
BATCH = 5000
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/Los_Angeles",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Auckland",
)
#: verb, share of the ledger, points
VERBS = (
    ("reply_posted", 40, 2),
    ("like_received", 35, 10),
    ("thread_started", 12, 5),
    ("answer_accepted", 8, 25),
    ("event_attended", 5, 20),
)
#: The ledger subject type the bench's rows are about; a resolver maps it onto topics.
SUBJECT = "bench"


def build_target(var_dir: Path) -> Target:
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    sqlite_path = var_dir / "hearth.sqlite3"
    return Target(
        var_dir=var_dir,
        database_url=f"sqlite:///{sqlite_path}",
        vendor="sqlite",
        sqlite_path=sqlite_path,
    )


def report(label: str, value: str, verdict: str) -> None:
    print(f"{verdict:<5} {label}: {value}")


def timed(work):  # type: ignore[no-untyped-def]  # any callable
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def seed_members(count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from members.models import User

    password = make_password(None)
    now = datetime.now(tz=UTC)
    rng = random.Random(7)  # bench data, not security
    users = (
        User(
            email=f"m{n}@bench.test",
            handle=f"m{n}",
            password=password,
            has_verified_email=True,
            time_zone=ZONES[n % len(ZONES)],
            date_joined=now - timedelta(days=rng.randint(30, 3 * 365)),
            is_staff=n % 20_000 == 1,
            suspended_until=now + timedelta(days=30) if n % 20_000 == 2 else None,
        )
        for n in range(count)
    )
    for start in range(0, count, BATCH):
        chunk = [next(users) for _ in range(min(BATCH, count - start))]
        User.objects.bulk_create(chunk)
    return list(User.objects.order_by("pk").values_list("pk", flat=True))


def seed_ledger(member_ids: list[int], rows: int) -> None:
    """The ledger rows, written with plain INSERTs in one transaction (the ORM's objects
    would cost more than the database does)."""
    from django.db import connection, transaction

    from members.loyalty.models import Activity

    rng = random.Random(11)  # bench data, not security
    now = datetime.now(tz=UTC)
    weights = [share for _, share, _ in VERBS]
    # A long tail, as communities have: a few members earn most of the points.
    heavy = member_ids[: max(len(member_ids) // 50, 1)]
    table = Activity._meta.db_table
    sql = (
        f"INSERT INTO {table} (member_id, verb, points, rule_points, subject_type, subject_id, "  # noqa: S608  # our own table name
        "occurred_at, credited_at, key, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '')"
    )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        while written < rows:
            size = min(BATCH * 4, rows - written)
            batch = []
            for n in range(written, written + size):
                verb, _, points = rng.choices(VERBS, weights=weights)[0]
                member_id = rng.choice(heavy) if rng.random() < 0.5 else rng.choice(member_ids)
                at = now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
                stamp = (
                    at.isoformat()
                    if connection.vendor != "sqlite"
                    else at.strftime("%Y-%m-%d %H:%M:%S.%f")
                )
                batch.append(
                    (member_id, verb, points, points, SUBJECT, n % 5000 + 1, stamp, stamp, f"b:{n}")
                )
            cursor.executemany(sql, batch)
            written += size


def rebuild_totals() -> None:
    """MemberPoints and MemberVerbTotal from the ledger (as the replay does)."""
    from django.db.models import Count, Sum

    from members.loyalty.models import Activity, MemberPoints, MemberVerbTotal

    MemberPoints.objects.bulk_create(
        (
            MemberPoints(member_id=row["member_id"], balance=row["total"])
            for row in Activity.objects.values("member_id")
            .annotate(total=Sum("points"))
            .order_by()
            .iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    MemberVerbTotal.objects.bulk_create(
        (
            MemberVerbTotal(
                member_id=row["member_id"], verb=row["verb"], count=row["n"], points=row["total"]
            )
            for row in Activity.objects.values("member_id", "verb")
            .annotate(n=Count("pk"), total=Sum("points"))
            .order_by()
            .iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


def measure_boards(viewer_handle: str) -> bool:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.models import Topic
    from members.models import User

    client = Client()
    client.force_login(User.objects.get(handle=viewer_handle))
    topic = Topic.objects.order_by("pk").first()
    pages = {
        "this week": "/leaderboards/",
        "this month": "/leaderboards/month/",
        "all time": "/leaderboards/all/",
        "top helpers": "/leaderboards/helpers/",
        f"topic {topic.slug if topic else '-'}": f"/leaderboards/topics/{topic.slug}/"
        if topic
        else "/leaderboards/all/",
        "all time, page 20": "/leaderboards/all/?page=20",
    }
    met = True
    counts = set()
    for label, url in pages.items():
        client.get(url)  # warm
        times = []
        for _ in range(REQUESTS_PER_BOARD):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        counts.add(len(queries))
        p95 = statistics.quantiles(times, n=20)[-1]
        ok = p95 < PAGE_BUDGET_MS
        met = met and ok
        report(
            f"leaderboard {label}",
            f"p95 {p95:.0f} ms, median {statistics.median(times):.0f} ms, "
            f"{len(queries)} queries (budget {PAGE_BUDGET_MS:.0f} ms)",
            "PASS" if ok else "MISS",
        )
    same = len(counts) == 1
    report("leaderboard queries", f"{sorted(counts)} on every board", "PASS" if same else "MISS")
    return met and same


def measure_celebrations(member_ids: list[int], count: int) -> bool:
    from core.models import Delivery
    from members.celebrations.models import Celebration
    from members.celebrations.services import sweep_due_celebrations
    from members.models import User

    now = datetime.now(tz=UTC)
    chosen = member_ids[:count]
    half = len(chosen) // 2
    # Everyone chosen lives in UTC and has a birthday today; half joined a year ago today.
    for start in range(0, len(chosen), BATCH):
        User.objects.filter(pk__in=chosen[start : start + BATCH]).update(
            time_zone="UTC", birthday_month=now.month, birthday_day=now.day
        )
    for start in range(0, half, BATCH):
        User.objects.filter(pk__in=chosen[start : min(start + BATCH, half)]).update(
            date_joined=now.replace(year=now.year - 1) - timedelta(minutes=5)
        )
    handed, elapsed = timed(lambda: sweep_due_celebrations(now=now))
    again, _ = timed(lambda: sweep_due_celebrations(now=now))
    greeted = Celebration.objects.count()
    emails = Delivery.objects.filter(kind="member:celebration").count()
    chosen_greeted = Celebration.objects.filter(member_id__in=chosen[:half]).count() + (
        Celebration.objects.filter(member_id__in=chosen[half:]).count()
    )
    # (others whose join date happens to be today are greeted too: counted in `handed`)
    ok = chosen_greeted == half * 2 + (len(chosen) - half) and greeted == handed
    ok = ok and again == 0 and emails == greeted
    report(
        f"celebrations over {len(chosen):,} members",
        f"{handed:,} greetings ({half:,} anniversaries) and {emails:,} emails in "
        f"{elapsed:.1f} s ({elapsed / max(handed, 1) * 1000:.1f} ms each); second run greeted "
        f"{again}",
        "PASS" if ok else "MISS",
    )
    return ok


def measure_tiers(count: int) -> bool:
    try:
        tiers = importlib.import_module("members.loyalty.tiers")
    except ImportError:
        tiers = None
    refresh = getattr(tiers, "refresh_all_tiers", None)
    if refresh is None:
        report("tier recomputation", "tiers are not merged here (loyalty branch)", "SKIP")
        return True
    from members.models import Tier

    Tier.objects.get_or_create(slug="contributor", defaults={"name": "Contributor", "rank": 10})
    Tier.objects.filter(slug="contributor").update(points_threshold=200)
    Tier.objects.get_or_create(slug="champion", defaults={"name": "Champion", "rank": 20})
    Tier.objects.filter(slug="champion").update(points_threshold=1000)
    changed, elapsed = timed(lambda: refresh())
    ok = elapsed < TIER_TARGET_SECONDS
    report(
        f"tier recomputation ({count:,}+ members)",
        f"{changed} changed in {elapsed:.1f} s (target under {TIER_TARGET_SECONDS:.0f} s)",
        "PASS" if ok else "MISS",
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "bench-loyalty"))
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--ledger", type=int, default=LEDGER_ROWS)
    parser.add_argument("--celebrations", type=int, default=CELEBRATIONS)
    args = parser.parse_args()

    target = build_target(Path(args.var_dir).resolve())
    env = target.environment()
    env.update(
        EMAIL_URL="dummymail://",
        CELERY_TASK_ALWAYS_EAGER="true",
        CELEBRATION_HOUR="0",
    )
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from core.models import Topic
    from members import hooks

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off
    topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    hooks.register_subject_topics(
        SUBJECT, lambda ids: {i: [topic_ids[i % len(topic_ids)]] for i in ids}
    )

    member_ids, elapsed = timed(lambda: seed_members(args.members))
    report("members", f"{len(member_ids):,} written in {elapsed:.1f} s", "INFO")
    _, elapsed = timed(lambda: seed_ledger(member_ids, args.ledger))
    report("ledger", f"{args.ledger:,} rows written in {elapsed:.1f} s", "INFO")
    from members.leaderboards import standings

    _, elapsed = timed(rebuild_totals)
    report("balances and verb totals from the ledger", f"{elapsed:.1f} s", "INFO")
    rows, elapsed = timed(standings.rebuild)
    report(
        "leaderboard rows rebuilt from the ledger (standings.rebuild)",
        f"{rows[0]:,} period rows and {rows[1]:,} topic rows in {elapsed:.1f} s",
        "INFO",
    )
    met = measure_boards(viewer_handle="m10")  # a busy member: on every board
    met = measure_tiers(min(TIERS, len(member_ids))) and met
    met = measure_celebrations(member_ids[100:], args.celebrations) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
