import logging

import pytest
from kombu.exceptions import OperationalError as BrokerDown

from core.queueing import enqueue_on_commit
from core.tasks import ping_task

pytestmark = pytest.mark.django_db


def test_task_is_sent_only_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(ping_task, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit(ping_task, "hello")

    assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [("hello",)]


def test_broker_down_after_commit_is_logged_not_raised(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ping_task, "delay", refuse)

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(ping_task, "hello")

    assert "Connection refused" in caplog.text
