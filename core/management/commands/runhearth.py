"""Serve Hearth with a Celery worker and beat beside it; Ctrl-C stops all of them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server plus one Celery worker with beat (the embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")

    def handle(self, *args: Any, **options: Any) -> None:
        commands = [[sys.executable, "manage.py", "runserver", options["addrport"]]]
        if not options["no_worker"]:
            commands.append(
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
                ]
            )
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603  # our own argv
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
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
