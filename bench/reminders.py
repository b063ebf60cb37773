"""Measure the reminder fan-out: one event, 10,000 confirmed registrants, one real Celery
worker, from the sweeper's first tick to the last email sent.

    python -m bench.reminders                       # embedded broker (+ Redis if REDIS_URL)
    python -m bench.reminders --registrants 2000 --brokers embedded
    REDIS_URL=redis://127.0.0.1:6379/6 python -m bench.reminders --brokers redis

It uses a database of its own (SQLite `var/bench/reminders/hearth.sqlite3`, or on
PostgreSQL `hearth_bench_reminders`, created on first use), builds the members once, and
for each run makes a fresh event whose 24-hour reminder is due, with every member
confirmed. Then it starts `celery worker --pool=solo` (one worker, one process) on the
chosen broker, calls the sweeper once (as beat would), and watches the Delivery ledger
until every reminder is recorded and sent. The mail backend is Django's dummy backend by
default (SMTP is the provider's time, not Hearth's); `--email files` writes every message
to disk as the embedded default does.

Reports, per broker: registrants, seconds to every reminder recorded (rendered and in the
ledger), seconds to every email sent, emails per second, and whether each member got
exactly one; PASS when everything was sent once in under --budget seconds. Writes
bench/results/<UTC timestamp>-reminders-<database>.json. The worker is stopped by its PID.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import environment

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_EMAIL_DOMAIN = "reminders.bench.hearth.test"


@dataclass
class Outcome:
    broker: str
    registrants: int
    recorded_seconds: float | None
    sent_seconds: float | None
    emails_per_second: float | None
    deliveries: int
    sent: int
    members_with_one: int
    verdict: str


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--registrants", type=int, default=10_000)
    parser.add_argument(
        "--brokers",
        default="",
        help="comma-separated: embedded, redis (default: embedded, and redis when REDIS_URL "
        "is set)",
    )
    parser.add_argument("--budget", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after this long")
    parser.add_argument(
        "--email", choices=["dummy", "files"], default="dummy", help="the mail backend"
    )
    environment.add_arguments(parser)
    parser.set_defaults(pg_name="hearth_bench_reminders")
    args = parser.parse_args(argv)
    args.var_dir = Path(args.var_dir) / "reminders"
    return args


def _brokers(args: argparse.Namespace, redis_url: str) -> list[str]:
    if args.brokers:
        chosen = [b.strip() for b in args.brokers.split(",") if b.strip()]
    else:
        chosen = ["embedded", *(["redis"] if redis_url else [])]
    unknown = set(chosen) - {"embedded", "redis"}
    if unknown:
        raise SystemExit(f"bench: unknown broker(s) {sorted(unknown)}.")
    if "redis" in chosen and not redis_url:
        raise SystemExit("bench: --brokers redis needs REDIS_URL.")
    return chosen


def _create_database(target: environment.Target) -> None:
    if target.vendor != "postgresql":
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(str(target.pg_admin_url), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target.pg_name]
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(target.pg_name)))
            )


def _members(count: int) -> list[int]:
    """The bench's members, made once (bulk): ids in order."""
    from members.models import User

    existing = User.objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}")
    have = existing.count()
    if have < count:
        User.objects.bulk_create(
            [
                User(
                    email=f"r{n}@{BENCH_EMAIL_DOMAIN}",
                    handle=f"r_{n}",
                    display_name=f"Registrant {n}",
                    password="!",  # noqa: S106  # unusable: nobody signs in as them
                    time_zone=("Europe/Berlin", "America/New_York", "Asia/Tokyo")[n % 3],
                )
                for n in range(have, count)
            ],
            batch_size=2000,
        )
    return list(existing.order_by("pk").values_list("pk", flat=True)[:count])


def _fresh_event(member_ids: list[int]) -> tuple[int, str]:
    """A published webinar whose 24-hour reminder fell due a minute ago, every member
    confirmed yesterday. Returns (event id, its reminders' ledger key)."""
    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, Registration
    from events.services.reminders import reminder_key
    from members.models import User

    now = timezone.now()
    with transaction.atomic():
        host, _ = User.objects.get_or_create(
            email=f"host@{BENCH_EMAIL_DOMAIN}",
            defaults={"handle": "bench_host", "password": "!"},
        )
        event = Event.objects.create(
            title=f"Reminder bench {now:%H:%M:%S}",
            description="Measuring the reminder fan-out.",
            description_html="<p>Measuring the reminder fan-out.</p>",
            starts_at=now + timedelta(hours=23, minutes=59),
            ends_at=now + timedelta(hours=24, minutes=59),
            time_zone="Europe/Berlin",
            capacity=None,
            join_url="https://meet.example.com/bench",
            status=Event.Status.PUBLISHED,
            published_at=now,
            held_seat_count=len(member_ids),
        )
        event.hosts.set([host])
        yesterday = now - timedelta(days=1)
        Registration.objects.bulk_create(
            [
                Registration(
                    event=event,
                    member_id=member_id,
                    status=Registration.Status.CONFIRMED,
                    registered_at=yesterday,
                    confirmed_at=yesterday,
                )
                for member_id in member_ids
            ],
            batch_size=2000,
        )
    return event.pk, reminder_key(event.pk, "24h", event.starts_at)


class Worker:
    """`celery worker --pool=solo` in its own session; stopped by its PID."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=environment.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _env(target: environment.Target, broker: str, redis_url: str, email: str) -> dict[str, str]:
    env = target.environment()
    if broker == "redis":
        env["REDIS_URL"] = redis_url
    if email == "dummy":
        env["EMAIL_URL"] = "dummymail://"
    return env


def run_once(
    args: argparse.Namespace, target: environment.Target, broker: str, redis_url: str
) -> Outcome:
    """One measured fan-out in a fresh process state (this process's settings are the
    embedded ones; a Redis run re-execs this module with REDIS_URL set)."""
    from django.db.models import Count

    from core.models import Delivery
    from events.services.reminders import sweep_due_reminders

    member_ids = _members(args.registrants)
    _, key = _fresh_event(member_ids)
    queue = target.var_dir / "celery"
    if broker == "embedded" and queue.exists():
        shutil.rmtree(queue)  # stale messages of an earlier, interrupted run
        for folder in ("queue", "processed", "control"):
            (queue / folder).mkdir(parents=True, exist_ok=True)
    worker = Worker(
        _env(target, broker, redis_url, args.email), target.var_dir / f"worker-{broker}.log"
    )
    worker.start()
    time.sleep(3)  # the worker connects before the clock starts
    deliveries = Delivery.objects.filter(kind="member:event_reminder", key=key)
    recorded_at = sent_at = None
    try:
        started = time.perf_counter()
        handed = sweep_due_reminders()
        print(f"  [{broker}] sweeper handed {handed:,} members to the worker", flush=True)
        deadline = started + args.timeout
        while time.perf_counter() < deadline:
            created = deliveries.count()
            sent = deliveries.filter(status=Delivery.Status.SENT).count()
            elapsed = time.perf_counter() - started
            if recorded_at is None and created >= len(member_ids):
                recorded_at = elapsed
            if sent >= len(member_ids):
                sent_at = elapsed
                break
            if worker.process is not None and worker.process.poll() is not None:
                print(f"  [{broker}] the worker exited; see {worker.log_path}", flush=True)
                break
            time.sleep(0.5)
    finally:
        worker.stop()
    total = deliveries.count()
    sent = deliveries.filter(status=Delivery.Status.SENT).count()
    once = deliveries.values("recipient_id").annotate(n=Count("id")).filter(n=1).count()
    ok = sent == len(member_ids) == once and sent_at is not None and sent_at < args.budget
    return Outcome(
        broker=broker,
        registrants=len(member_ids),
        recorded_seconds=round(recorded_at, 1) if recorded_at is not None else None,
        sent_seconds=round(sent_at, 1) if sent_at is not None else None,
        emails_per_second=round(sent / sent_at) if sent_at else None,
        deliveries=total,
        sent=sent,
        members_with_one=once,
        verdict="PASS" if ok else "WARN",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "")
    target = environment.resolve(args)
    target.var_dir.mkdir(parents=True, exist_ok=True)
    brokers = _brokers(args, redis_url)
    if os.environ.get("BENCH_REMINDERS_BROKER"):
        # A child run: settings for this broker are already in the environment.
        broker = os.environ["BENCH_REMINDERS_BROKER"]
        os.environ.clear()
        os.environ.update(_env(target, broker, redis_url, args.email))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        print(json.dumps(asdict(run_once(args, target, broker, redis_url))))
        return 0
    _create_database(target)
    outcomes = []
    print(f"Reminder fan-out: {args.registrants:,} registrants, {target.label}", flush=True)
    for broker in brokers:
        env = _env(target, broker, redis_url, args.email)
        env["BENCH_REMINDERS_BROKER"] = broker
        env["REDIS_URL"] = redis_url
        # Each broker runs in its own process: Django reads REDIS_URL once, at start-up.
        child = subprocess.run(  # noqa: S603  # our own interpreter and module
            [sys.executable, "-m", "bench.reminders", *(argv or sys.argv[1:])],
            cwd=environment.BASE_DIR,
            env={**env, "BENCH_VAR_DIR": str(Path(args.var_dir).parent)},
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stdout.write("".join(line + "\n" for line in child.stdout.splitlines()[:-1]))
        if child.returncode != 0:
            sys.stderr.write(child.stderr[-3000:])
            raise SystemExit(f"bench: the {broker} run failed.")
        outcomes.append(Outcome(**json.loads(child.stdout.splitlines()[-1])))
    print()
    print(
        f"{'broker':<10}{'registrants':>12}{'recorded s':>12}{'sent s':>9}{'emails/s':>10}"
        f"{'sent once':>11}  verdict (budget {args.budget:.0f} s)"
    )
    for o in outcomes:
        print(
            f"{o.broker:<10}{o.registrants:>12,}{_fmt(o.recorded_seconds):>12}"
            f"{_fmt(o.sent_seconds):>9}{_fmt(o.emails_per_second):>10}"
            f"{o.members_with_one:>11,}  {o.verdict}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}-reminders-{target.vendor}.json"
    path.write_text(
        json.dumps(
            {
                "database": target.label,
                "email": args.email,
                "outcomes": [asdict(o) for o in outcomes],
            },
            indent=2,
        )
    )
    print(f"\nWrote {path}")
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
