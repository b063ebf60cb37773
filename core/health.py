"""Readiness checks: can this process reach what it needs to serve a request?"""

from __future__ import annotations

import os
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import connections


def check_database() -> str | None:
    """None when the default database answers a query, else what went wrong."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def check_broker() -> str | None:
    """None when the Celery broker is reachable, else what went wrong."""
    # The process's Celery app (config.celery makes Hearth's app the current one when Django
    # starts), reached without importing the wiring layer above core.
    app = current_app

    if app.conf.broker_url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])  # type: ignore[arg-type]  # settings dict values are typed as object
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"broker folder {folder}: {exc}"
        if not os.access(folder, os.W_OK):
            return f"broker folder {folder} is not writable"
        return None
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def readiness() -> dict[str, str | None]:
    """Each dependency mapped to None (ready) or the reason it is not."""
    return {"database": check_database(), "broker": check_broker()}
