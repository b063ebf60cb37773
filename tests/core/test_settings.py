"""The one settings module: the environment decides the mode, production is safe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#Lq9!vT2@mR5$wZ8^nB4&kP1*dF6(hJ3)sG0_yC9+eU2=aQ7",
    "ALLOWED_HOSTS": "hearth.example.com",
    "DATABASE_URL": "postgres://hearth:secret@db.internal:5432/hearth",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("CONN_MAX_AGE", None)
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = manage("check", env=env)

    assert result.returncode == 1
    assert f"{missing} must be set when DEBUG is off." in result.stderr


LOCAL_ENV = {"DEBUG": "true"}
REVERSE_GITHUB = (
    "from django.urls import reverse, NoReverseMatch\n"
    "try:\n    print(reverse('github_login'))\n"
    "except NoReverseMatch:\n    print('no github')\n"
)


def test_github_login_is_switched_on_by_its_two_variables():
    env = {**LOCAL_ENV, "GITHUB_CLIENT_ID": "abc", "GITHUB_CLIENT_SECRET": "xyz"}

    result = manage("shell", "--no-imports", "-c", REVERSE_GITHUB, env=env)

    assert result.stdout.strip() == "/accounts/github/login/", result.stderr


def test_github_login_is_absent_without_its_variables():
    result = manage("shell", "--no-imports", "-c", REVERSE_GITHUB, env=LOCAL_ENV)

    assert result.stdout.strip() == "no github", result.stderr


@pytest.mark.django_db
def test_uploaded_files_are_served_without_debug(client, settings, tmp_path):
    (tmp_path / "media" / "avatars").mkdir(parents=True)
    (tmp_path / "media" / "avatars" / "a.webp").write_bytes(b"RIFF0000WEBP")

    response = client.get("/media/avatars/a.webp")

    assert settings.DEBUG is False
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF0000WEBP"
