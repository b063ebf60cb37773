"""Notification fan-out: one reply in a thread with 10,000 watchers, through a real worker.

Builds a throwaway community (its own SQLite file under var/bench-fanout/, or its own
PostgreSQL database), starts one Celery worker (the embedded filesystem broker, or Redis with
--redis-url), posts the reply as a member would, and lets the worker do the rest: the
fan-out in chunks, the in-app notifications, then the emails (the window set to 0 and the
sweeper triggered every second, as beat would every minute), until every watcher has a
notification and a sent email in the outbox. Target: under 30 s.

    .venv/bin/python -m bench.fanout                         # embedded broker, SQLite
    .venv/bin/python -m bench.fanout --redis-url redis://127.0.0.1:6379/9
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.environment import BASE_DIR, Target

WATCHERS = 10_000
TARGET_SECONDS = 30.0


def build_target(args: argparse.Namespace) -> Target:
    var_dir = Path(args.var_dir).resolve()
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


def worker_environment(target: Target, redis_url: str, email: str) -> dict[str, str]:
    env = target.environment()
    if email == "dummy":
        # SMTP is the provider's time, not Hearth's: the ledger rows are still claimed,
        # sent and marked sent (the outbox), the message goes nowhere.
        env["EMAIL_URL"] = "dummymail://"
    env["NOTIFICATION_EMAIL_WINDOW_SECONDS"] = "0"
    env["NOTIFICATION_EMAIL_DAILY_CAP"] = "1000"
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def seed(watchers: int) -> int:
    """Members watching one thread, written in bulk. Returns the thread id."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from community.models import Category, Subscription
    from community.services import posting
    from members.models import User

    call_command("migrate", verbosity=0)
    password = make_password(None)
    author = User.objects.create_user(email="author@bench.test", handle="author", password=None)
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    User.objects.bulk_create(
        [
            User(
                email=f"watcher{n}@bench.test",
                handle=f"watcher{n}",
                password=password,
                has_verified_email=True,
            )
            for n in range(watchers)
        ],
        batch_size=2000,
    )
    category = Category.objects.create(name="Talks", slug="talks")
    thread = posting.create_thread(
        author=author, category_id=category.pk, title="Ten thousand watchers", body="Hello!"
    )
    Subscription.objects.bulk_create(
        [
            Subscription(member_id=pk, thread=thread)
            for pk in User.objects.filter(handle__startswith="watcher").values_list("pk", flat=True)
        ],
        batch_size=2000,
    )
    return int(thread.pk)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(BASE_DIR / ".venv" / "bin" / "celery"),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    return subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        command, cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "bench-fanout"))
    parser.add_argument("--redis-url", default="", help="use Redis as the broker")
    parser.add_argument("--watchers", type=int, default=WATCHERS)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument(
        "--email",
        choices=["dummy", "files"],
        default="dummy",
        help="dummy: Django's dummy backend; files: the embedded default's (writes and prints "
        "every message)",
    )
    args = parser.parse_args()

    target = build_target(args)
    env = worker_environment(target, args.redis_url, args.email)
    os.environ.clear()
    os.environ.update(env)  # this process publishes where the worker listens
    import django

    django.setup()
    thread_id = seed(args.watchers)

    from core.models import Delivery
    from members.models import Notification
    from members.tasks import sweep_due_notification_emails_task

    broker = "Redis" if args.redis_url else "embedded filesystem broker"
    from config.celery import app

    app.control.purge()  # the opening post's own fan-out is not what is measured
    worker = start_worker(env, target.var_dir / "worker.log")
    try:
        time.sleep(3)  # the worker connects to the broker
        from community.services import posting
        from members.models import User

        started = time.perf_counter()
        posting.reply(
            author=User.objects.get(handle="author"), thread_id=thread_id, body="Thank you all!"
        )
        notified = sent = 0
        while time.perf_counter() - started < args.timeout:
            notified = Notification.objects.filter(kind="reply").count()
            sent = Delivery.objects.filter(
                kind="notification:reply", status=Delivery.Status.SENT
            ).count()
            if notified >= args.watchers and sent >= args.watchers:
                break
            sweep_due_notification_emails_task.delay()  # what beat does every minute
            time.sleep(1)
        elapsed = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    met = notified >= args.watchers and sent >= args.watchers and elapsed < TARGET_SECONDS
    print(
        f"fan-out ({broker}, 1 worker): {notified:,} notifications and {sent:,} emails sent "
        f"in {elapsed:.1f} s (target under {TARGET_SECONDS:.0f} s): {'PASS' if met else 'MISS'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
