"""Where the benchmark's community lives, and the environment the app runs with against it.

The generator, the runner and the gunicorn it starts all take their settings from
`Target.environment()`, so they see the same database, and never the developer's own:

- SQLite (the default): `<var dir>/hearth.sqlite3`, the var dir being `var/bench/` unless
  `--var-dir` or `BENCH_VAR_DIR` says otherwise.
- PostgreSQL, when `DATABASE_URL` (or `--database-url`) is a postgres URL: the same server and
  credentials, but always a database of its own (`hearth_bench`, or `--pg-name`), created by
  the generator. The database named in the URL itself is never touched.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = BASE_DIR / "var" / "bench"
DEFAULT_PG_NAME = "hearth_bench"
#: Databases the benchmark refuses to create, fill or drop, whatever it is told.
RESERVED_PG_NAMES = frozenset({"postgres", "template0", "template1", "test", "root"})
PG_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")
# DEBUG is off in the benchmark (production code paths); settings then demand a key.
BENCH_SECRET_KEY = "bench-only-not-a-secret-" + "k7Qz3vX9pL2mN8rT5wY1aB4cD6eF0gH"
#: Hosts: gunicorn on the loopback, and django.test.Client ("testserver") in-process.
BENCH_HOSTS = "127.0.0.1,localhost,testserver"


@dataclass(frozen=True)
class Target:
    """The benchmark database and folder, resolved from flags and the environment."""

    var_dir: Path
    database_url: str
    vendor: str  # "sqlite" or "postgresql"
    pg_name: str | None = None
    pg_admin_url: str | None = None  # the server's maintenance database, to create/drop ours
    sqlite_path: Path | None = None

    @property
    def label(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite {self.sqlite_path}"
        host = urlsplit(self.database_url).hostname or "local socket"
        return f"PostgreSQL {self.pg_name} on {host}"

    @property
    def static_root(self) -> Path:
        return self.var_dir / "static"

    @property
    def marker_path(self) -> Path:
        """What the generator built, so a second `make bench` can skip generating."""
        name = "sqlite" if self.vendor == "sqlite" else f"pg-{self.pg_name}"
        return self.var_dir / f"generated-{name}.json"

    def environment(self) -> dict[str, str]:
        """The variables config/settings.py reads, for this process and for gunicorn."""
        env = dict(os.environ)
        # SMTP is not what is measured. The cache is the embedded default's (files) unless
        # BENCH_REDIS_URL names a Redis to use as production does.
        for name in ("REDIS_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            env.pop(name, None)
        if os.environ.get("BENCH_REDIS_URL"):
            env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            HEARTH_VAR_DIR=str(self.var_dir),
            DATABASE_URL=self.database_url,
            DEBUG="false",
            SECRET_KEY=BENCH_SECRET_KEY,
            ALLOWED_HOSTS=BENCH_HOSTS,
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.var_dir / "media"),
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            CELERY_TASK_ALWAYS_EAGER="false",
            HEARTH_BENCH_FLOOR="true",
            # The API's throttles would answer 429 to a load test from one address.
            API_THROTTLE_ANON="1000000/min",
            API_THROTTLE_USER="1000000/min",
        )
        return env


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where the benchmark community lives")
    group.add_argument(
        "--var-dir",
        type=Path,
        default=Path(os.environ.get("BENCH_VAR_DIR", DEFAULT_VAR_DIR)),
        help="folder for the SQLite file, static files, logs (default: var/bench/)",
    )
    group.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a postgres:// URL selects PostgreSQL (default: $DATABASE_URL; unset: SQLite)",
    )
    group.add_argument(
        "--pg-name",
        default=DEFAULT_PG_NAME,
        help=f"the PostgreSQL database the benchmark owns (default: {DEFAULT_PG_NAME})",
    )


def resolve(args: argparse.Namespace) -> Target:
    """The Target for parsed flags; raises SystemExit on a database the bench must not use."""
    var_dir = Path(args.var_dir).resolve()
    url = args.database_url or ""
    if url.split(":", 1)[0].lower() in PG_SCHEMES:
        name = args.pg_name
        if not name or name in RESERVED_PG_NAMES or name.startswith(("test_", "template")):
            raise SystemExit(f"bench: refusing to use the PostgreSQL database {name!r}.")
        parts = urlsplit(url)
        bench_url = urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))
        admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
        return Target(
            var_dir=var_dir,
            database_url=bench_url,
            vendor="postgresql",
            pg_name=name,
            pg_admin_url=admin_url,
        )
    sqlite_path = var_dir / "hearth.sqlite3"
    return Target(
        var_dir=var_dir,
        database_url=f"sqlite:///{sqlite_path}",
        vendor="sqlite",
        sqlite_path=sqlite_path,
    )


def activate(target: Target) -> None:
    """Point this process's Django at the benchmark database and set it up."""
    target.var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.clear()
    os.environ.update(target.environment())
    import django

    django.setup()
