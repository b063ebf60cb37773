"""Serve Hearth with a Celery worker and beat beside it; Ctrl-C stops all of them.

It checks the port first (a taken port is said plainly, before anything starts, with a
non-zero exit), then starts the web server and the worker, and once both are up prints one
block: the address, the demo logins and where mail goes. It lives in events, the top layer,
because that block reads the demo members (like seed_demo).
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from members import demo as members_demo
from members.models import User

#: How long to wait for the web server and the worker before printing the block anyway.
START_TIMEOUT = 60.0


def parse_addrport(addrport: str) -> tuple[str, int]:
    """("127.0.0.1", 8000) from "127.0.0.1:8000", "8000" or "[::1]:8000"."""
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(f'"{addrport}" is not an address and port such as 127.0.0.1:8000.')
    return (host.strip("[]") or "127.0.0.1"), int(port)


def port_is_taken(host: str, port: int) -> bool:
    """Whether something already listens on host:port (a socket there cannot be bound)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the web server does: a port left in TIME_WAIT by a stopped run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


#: The worker's line for every task received and every task that succeeded: hundreds when
#: the demo data is first loaded, burying the start-up block. Failures and warnings still
#: show, and `make run DEV=1` shows everything.
_ROUTINE_TASK_LINE = re.compile(r"INFO/\w+\] Task \S+\[[0-9a-f-]+\] (received|succeeded in)")


def _forward(stream: IO[str], ready: threading.Event, *, quiet: bool) -> None:
    """Copy the worker's output to ours (without routine task lines when `quiet`), noting
    when it says it is ready."""
    for line in stream:
        if " ready." in line:
            ready.set()
        if quiet and _ROUTINE_TASK_LINE.search(line):
            continue
        sys.stdout.write(line)
        sys.stdout.flush()
    ready.set()  # it stopped: do not wait for it


class Command(BaseCommand):
    help = "Run the web server plus one Celery worker with beat (the embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")
        parser.add_argument(
            "--check-port",
            action="store_true",
            help="Only check that the port is free (exit 1 with a message if not).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = parse_addrport(options["addrport"])
        if port_is_taken(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use (another Hearth, or another "
                f"program). Stop it, or choose another port: make run PORT={port + 1}"
            )
        if options["check_port"]:
            return
        processes: list[subprocess.Popen[Any]] = [
            subprocess.Popen(  # noqa: S603  # our own argv
                [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
            )
        ]
        worker_ready = threading.Event()
        if options["no_worker"]:
            worker_ready.set()
        else:
            worker = subprocess.Popen(  # our own argv
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    "--pool=solo",
                    "--loglevel=INFO",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            )
            assert worker.stdout is not None  # noqa: S101  # PIPE above
            threading.Thread(
                target=_forward,
                args=(worker.stdout, worker_ready),
                kwargs={"quiet": not settings.DEBUG_PAGES},
                daemon=True,
            ).start()
            processes.append(worker)
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            self._wait_until_up(host, port, worker_ready, processes, lambda: stopping)
            if not stopping and all(p.poll() is None for p in processes):
                self.stdout.write(self.start_block(host, port, worker=not options["no_worker"]))
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Hearth stopped.")

    @staticmethod
    def _wait_until_up(
        host: str,
        port: int,
        worker_ready: threading.Event,
        processes: list[subprocess.Popen[Any]],
        stopping: Any,
    ) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and not stopping():
            if any(p.poll() is not None for p in processes):
                return
            if worker_ready.is_set() and _answers(host, port):
                time.sleep(0.3)  # let the last start-up lines land first
                return
            time.sleep(0.2)

    def start_block(self, host: str, port: int, *, worker: bool) -> str:
        """The one block a person reads after the start-up noise."""
        shown_host = f"[{host}]" if ":" in host else host
        address = f"http://{shown_host}:{port}/"
        lines = [f"Hearth is running at {address}"]
        demo = set(
            User.objects.filter(
                email__in=[members_demo.DEMO_STAFF_EMAIL, members_demo.DEMO_MEMBER_EMAIL]
            ).values_list("email", flat=True)
        )
        if demo:
            lines.append(f"Sign in with password {members_demo.DEMO_PASSWORD}:")
            if members_demo.DEMO_STAFF_EMAIL in demo:
                lines.append(f"  {members_demo.DEMO_STAFF_EMAIL:<22} staff")
            if members_demo.DEMO_MEMBER_EMAIL in demo:
                lines.append(f"  {members_demo.DEMO_MEMBER_EMAIL:<22} a member")
        else:
            signup = reverse("account_signup").lstrip("/")
            lines.append(f"Sign up at {address}{signup} (no demo data yet: make demo)")
        if settings.EMAIL_BACKEND == "core.mail_backends.FileAndConsoleBackend":
            lines.append(
                f"Mail never leaves this machine: printed here, saved in {settings.MAIL_DIR}/"
            )
            lines.append(f"  and listed for staff at {address}staff/outbox/")
        else:
            host_name = getattr(settings, "EMAIL_HOST", "") or settings.EMAIL_BACKEND
            lines.append(f"Mail is sent through {host_name} (EMAIL_URL).")
        if settings.DEBUG and not settings.DEBUG_PAGES:
            lines.append("Pages show as members see them; tracebacks: make run DEV=1")
        elif settings.DEBUG_PAGES:
            lines.append("Development mode: Django's debug pages with tracebacks.")
        lines.append("Ctrl-C stops the web server" + (", the worker and beat." if worker else "."))
        width = max(len(line) for line in lines) + 4
        rule = "=" * width
        return "\n".join(["", rule, *(f"  {line}" for line in lines), rule, ""])
