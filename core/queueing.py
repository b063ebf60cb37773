"""Enqueue Celery tasks after the surrounding transaction commits."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Send `task` to the broker once the current transaction commits.

    Robust: a broker that is down is logged, not raised into the request that already
    committed. Every task sent this way has a sweeper that finds rows whose work was not
    done and enqueues them again, so nothing is lost while the broker is away.
    """

    def send_to_broker() -> None:  # a named function: robust mode logs failures by __qualname__
        task.delay(*args, **kwargs)

    transaction.on_commit(send_to_broker, robust=True)
