"""`make run`: a taken port is said before anything starts; a DEBUG run serves Hearth's own
error pages unless development mode asks for Django's; one start-up block says the rest."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from events.management.commands.runhearth import Command, parse_addrport, port_is_taken
from members import demo as members_demo
from tests.members.factories import UserFactory


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.slow
def test_a_taken_port_is_said_before_anything_starts_and_exits_non_zero(busy_port, tmp_path):
    env = {**os.environ, "DEBUG": "true", "HEARTH_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    started = time.monotonic()

    result = subprocess.run(
        [sys.executable, "manage.py", "runhearth", f"127.0.0.1:{busy_port}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert result.stdout == ""  # neither the web server nor the worker said a word
    assert "celery" not in result.stderr.lower()
    assert time.monotonic() - started < 30


def test_the_port_check_sees_a_listener_and_a_free_port(busy_port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as free:
        free.bind(("127.0.0.1", 0))
        free_port = free.getsockname()[1]

    assert port_is_taken("127.0.0.1", busy_port) is True
    assert port_is_taken("127.0.0.1", free_port) is False


@pytest.mark.parametrize(
    ("addrport", "expected"),
    [
        ("127.0.0.1:8010", ("127.0.0.1", 8010)),
        ("8010", ("127.0.0.1", 8010)),
        ("[::1]:9", ("::1", 9)),
    ],
)
def test_addresses_are_read_like_runserver_reads_them(addrport, expected):
    assert parse_addrport(addrport) == expected


@pytest.mark.django_db
def test_an_unknown_url_shows_hearths_404_in_a_debug_run(client, settings):
    settings.DEBUG, settings.DEBUG_PAGES = True, False

    response = client.get("/no-such-page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in content
    assert "Sign in" in content
    assert "NONE,NOARCHIVE" not in content
    assert "URLconf" not in content


@pytest.mark.django_db
def test_development_mode_keeps_djangos_debug_404(client, settings):
    settings.DEBUG, settings.DEBUG_PAGES = True, True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


@pytest.mark.django_db
def test_an_api_404_stays_json_in_a_debug_run(client, settings):
    settings.DEBUG, settings.DEBUG_PAGES = True, False

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_the_start_up_block_names_the_address_the_logins_and_where_mail_goes(settings):
    settings.DEBUG, settings.DEBUG_PAGES = True, False
    settings.EMAIL_BACKEND = "core.mail_backends.FileAndConsoleBackend"
    UserFactory(email=members_demo.DEMO_STAFF_EMAIL, staff=True)
    UserFactory(email=members_demo.DEMO_MEMBER_EMAIL)

    block = Command().start_block("127.0.0.1", 8010, worker=True)

    lines = [line.strip() for line in block.strip().splitlines()]
    assert lines[1:-1] == [
        "Hearth is running at http://127.0.0.1:8010/",
        f"Sign in with password {members_demo.DEMO_PASSWORD}:",
        f"{members_demo.DEMO_STAFF_EMAIL:<22} staff".strip(),
        f"{members_demo.DEMO_MEMBER_EMAIL:<22} a member".strip(),
        f"Mail never leaves this machine: printed here, saved in {settings.MAIL_DIR}/",
        "and listed for staff at http://127.0.0.1:8010/staff/outbox/",
        "Pages show as members see them; tracebacks: make run DEV=1",
        "Ctrl-C stops the web server, the worker and beat.",
    ]
    assert set(lines[0]) == {"="}


WORKER_OUTPUT = [
    "[2026-11-29 17:41:03,100: INFO/MainProcess] celery@vm ready.\n",
    "[2026-11-29 17:41:03,200: INFO/MainProcess] Task community.tasks.notify_about_post_task"
    "[69574d7f-be1c-42ad-8427-78fdd5007162] received\n",
    "[2026-11-29 17:41:03,300: INFO/MainProcess] Task community.tasks.notify_about_post_task"
    "[69574d7f-be1c-42ad-8427-78fdd5007162] succeeded in 0.02s: 1\n",
    "[2026-11-29 17:41:03,400: ERROR/MainProcess] Task core.tasks.send_delivery"
    "[0d514e61-5306-4303-b965-25470dfa020c] raised unexpected: OSError()\n",
]


@pytest.mark.parametrize(("quiet", "shown"), [(True, [0, 3]), (False, [0, 1, 2, 3])])
def test_the_worker_output_drops_routine_task_lines_unless_developing(
    quiet: bool, shown: list[int], capsys
) -> None:
    import io
    import threading

    from events.management.commands.runhearth import _forward

    ready = threading.Event()
    _forward(io.StringIO("".join(WORKER_OUTPUT)), ready, quiet=quiet)

    assert capsys.readouterr().out == "".join(WORKER_OUTPUT[i] for i in shown)
    assert ready.is_set()
