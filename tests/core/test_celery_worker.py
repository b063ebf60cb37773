"""A task really travels through a broker to a separate worker process.

The embedded default's broker is a folder (kombu's filesystem transport); production's is
Redis. Both start a real `celery worker` subprocess and publish to it from this process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

pytestmark = [pytest.mark.slow]

WORKER_TIMEOUT_SECONDS = 60


def run_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
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
            "-Q",
            queue,
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_for_line(log: Path, needle: str, worker: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if needle in text:
            return text
        if worker.poll() is not None:
            pytest.fail(f"worker exited with {worker.returncode}:\n{text}")
        time.sleep(0.2)
    pytest.fail(f"worker never logged {needle!r}:\n{log.read_text(errors='replace')}")


def round_trip(producer: Celery, env: dict[str, str], tmp_path: Path) -> tuple[str, str]:
    """Publish ping_task(token) and return (token, the worker's log line for its success)."""
    queue = f"hearth-test-{uuid.uuid4().hex[:8]}"
    token = uuid.uuid4().hex
    log = tmp_path / "worker.log"
    worker = run_worker(env, queue, log)
    try:
        wait_for_line(log, "ready.", worker)
        producer.send_task("core.tasks.ping_task", args=[token], queue=queue)
        text = wait_for_line(log, f"'{token}'", worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return token, next(line for line in text.splitlines() if token in line)


def test_embedded_broker_carries_a_task_to_a_real_worker(tmp_path):
    var_dir = tmp_path / "var"
    env = {**os.environ, "HEARTH_VAR_DIR": str(var_dir)}
    env.pop("REDIS_URL", None)
    queue_dir = var_dir / "celery" / "queue"
    queue_dir.mkdir(parents=True)
    producer = Celery(
        broker="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(var_dir / "celery" / "processed"),
            "control_folder": str(var_dir / "celery" / "control"),
        },
    )

    token, line = round_trip(producer, env, tmp_path)

    assert re.search(
        rf"Task core\.tasks\.ping_task\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: '{token}'", line
    )


@pytest.mark.redis
def test_redis_broker_carries_a_task_to_a_real_worker(tmp_path):
    env = {**os.environ, "HEARTH_VAR_DIR": str(tmp_path / "var")}
    producer = Celery(broker=settings.REDIS_URL)

    token, line = round_trip(producer, env, tmp_path)

    assert re.search(
        rf"Task core\.tasks\.ping_task\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: '{token}'", line
    )
