"""The API contract run: schemathesis against a real server, anonymous and with a token.

    .venv/bin/python -m tests.contract.run            # or: make contract

It builds a throwaway community (SQLite and a var folder in a temporary directory, the demo
data, a token for the demo member), serves it with gunicorn on 127.0.0.1 with DEBUG off, and
runs schemathesis twice over /api/schema/, first as a visitor, then as the member: every
check, a fixed seed, a bounded number of examples per operation and phase. It exits non-zero on any
failure (a 5xx, a status or body the schema does not describe, input the schema calls
invalid accepted...). tests/contract/schemathesis.toml holds the few exceptions, each with
its reason. Throttling is set far above what the run sends: 429 is documented, but a run
that is throttled tests the limiter instead of the API.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
MEMBER_EMAIL = "member@hearth.test"  # members.demo.DEMO_MEMBER_EMAIL


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(var_dir: Path, port: int) -> dict[str, str]:
    """Production settings on a throwaway embedded default: whatever the caller exported,
    the run never touches a real database, broker or mailbox."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        HEARTH_VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        # Tasks run in the request, so what they do (emails, notifications) is exercised too.
        CELERY_TASK_ALWAYS_EAGER="true",
        API_THROTTLE_ANON="1000000/min",
        API_THROTTLE_USER="1000000/min",
        LOG_LEVEL="ERROR",  # the log keeps what a failure needs: tracebacks of 5xx
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(env: dict[str, str]) -> str:
    """Migrate and seed the throwaway database; the demo member's API token."""
    _manage(env, "migrate", "--no-input", "--verbosity", "0")
    _manage(env, "seed_demo")
    output = _manage(env, "drf_create_token", MEMBER_EMAIL)
    match = re.search(r"Generated token (\w+) for user", output)
    if match is None:
        raise SystemExit(f"No token in drf_create_token's output: {output!r}")
    return match.group(1)


@contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """gunicorn on 127.0.0.1:`port` until the block ends; yields its base URL."""
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--timeout=60",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"{base}/healthz", server)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # http://127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def schemathesis(
    base: str, *, label: str, headers: list[str], seed: int, examples: int, work: Path
) -> bool:
    """One schemathesis run over the whole API, with every check (schemathesis's default:
    naming them with --checks would also override the exceptions in the config file); True
    when it found nothing. Its caches and JUnit report go to `work`."""
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{base}/api/schema/",
        f"--seed={seed}",
        f"--max-examples={examples}",
        "--workers=2",
        "--generation-database=none",
        "--report=junit",
        f"--report-junit-path={work / ('junit-' + label.replace(' ', '-') + '.xml')}",
    ]
    for header in headers:
        command += ["--header", header]
    say(f"\n==> schemathesis, {label}")
    started = time.monotonic()
    # Works around a CPython 3.11 bug in the generator's process (see tests/contract/hooks.py).
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("hooks.py"))}
    result = subprocess.run(command, cwd=work, env=env, check=False)
    say(f"==> {label}: exit {result.returncode} in {time.monotonic() - started:.0f} s")
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20260401, help="hypothesis seed")
    parser.add_argument(
        "--examples", type=int, default=40, help="max examples per operation and phase"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (database, server log)"
    )
    options = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="hearth-contract-"))
    port = _free_port()
    env = _environment(work / "var", port)
    started = time.monotonic()
    passed = False
    try:
        token = prepare(env)
        with serving(env, port, work / "server.log") as base:
            runs = [("anonymous", []), ("member token", [f"Authorization: Token {token}"])]
            results = [
                schemathesis(
                    base,
                    label=label,
                    headers=headers,
                    seed=options.seed,
                    examples=options.examples,
                    work=work,
                )
                for label, headers in runs
            ]
        passed = all(results)
        if not passed:
            say(f"\nServer log (tracebacks of any 5xx), its end: {work / 'server.log'}")
            say((work / "server.log").read_text()[-6000:])
    finally:
        if options.keep or not passed:
            say(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    verdict = "passed" if passed else "FAILED"
    say(f"\nContract run {verdict} in {time.monotonic() - started:.0f} s (seed {options.seed}).")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
