"""Test-wide settings tweaks, service markers and the personas."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.members.factories import UserFactory

REQUIRED_SERVICES = {
    s.strip() for s in os.environ.get("HEARTH_REQUIRE_SERVICES", "").split(",") if s.strip()
}


def pytest_configure(config: pytest.Config) -> None:
    # Speed: a cheap hasher, local caches, eager Celery that raises, static files from finders.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Visitors' page cache off: a test that changes a setting between two requests must see
    # it. tests/core/test_page_cache.py turns it on and proves it never serves a stale page.
    settings.PAGE_CACHE = False
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path: Path) -> None:
    """Media and mail written by a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DIR = tmp_path / "mail"


@pytest.fixture(autouse=True)
def _default_topics(request: pytest.FixtureRequest) -> None:
    """The seeded topics, even after a transactional test flushed them away."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    from core.models import Topic

    if not Topic.objects.exists():
        # The data migration is the one list of default topics: run its seeding again.
        importlib.import_module("core.migrations.0004_seed_topics").seed(apps, None)
    from members.loyalty.models import PointRule

    # Likewise the default point rules and badges (a reused database may hold a flushed
    # one: a transactional test empties the tables when it ends).
    if not PointRule.objects.filter(verb="thread_started").exists():
        importlib.import_module("members.migrations.0007_seed_loyalty").seed(apps, None)
    if not PointRule.objects.filter(verb="referral_joined").exists():
        # The referred member's side of a referral (members.referrals).
        importlib.import_module("members.migrations.0012_referrals").seed_welcome_rule(apps, None)
    if not PointRule.objects.filter(verb="membership_anniversary").exists():
        # Anniversaries' ledger entry (members.celebrations).
        importlib.import_module("members.migrations.0014_celebrations").seed_anniversary_rule(
            apps, None
        )


@pytest.fixture
def without_automatic_badges(request: pytest.FixtureRequest) -> None:
    """No badge is earned by rule (so a first post brings no "badge earned" notification),
    for tests about something else that count notifications or emails."""
    request.getfixturevalue("db")
    from members.loyalty.models import Badge

    Badge.objects.exclude(rule=Badge.Rule.MANUAL).update(is_active=False)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """allauth's rate limits live in the cache; one test must not throttle the next."""
    from django.core.cache import cache

    cache.clear()


def _missing(service: str, reason: str) -> None:
    if service in REQUIRED_SERVICES:
        pytest.fail(f"{service} is required here (HEARTH_REQUIRE_SERVICES) but {reason}")
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        _missing("postgres", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        _missing("redis", "needs Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("browser") and not shutil.which("chromium"):
        _missing("browser", "needs Debian's Chromium: apt-get install -y chromium")


@pytest.fixture
def api():
    """DRF's test client: `api.force_authenticate(member)` signs a persona in."""
    from rest_framework.test import APIClient

    return APIClient()


# --- Personas ---------------------------------------------------------------------------------
# The people of DESIGN.md's "Who uses it", for permission tests. All but the visitor have a
# verified email address (allauth's EmailAddress row), so each persona is refused only for
# what it is, never for an unconfirmed email; `UserFactory(unverified=True)` is that case.


@pytest.fixture
def visitor():
    """Not signed in."""
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def member():
    """A signed-up member with a verified email and no tier."""
    return UserFactory(handle="member", email="member@example.com")


@pytest.fixture
def vip():
    """A verified member in the top tier (Blaze): sees every tier-only category."""
    return UserFactory(handle="vip", email="vip@example.com", vip=True)


@pytest.fixture
def moderator():
    """A forum-wide moderator (the moderator role, not staff): moderates every category."""
    return UserFactory(
        handle="moderator",
        email="moderator@example.com",
        display_name="Mo Moderator",
        is_moderator=True,
    )


@pytest.fixture
def category_moderator():
    """A member who moderates chosen categories only: pass them to
    `CategoryModeratorFactory(member=category_moderator, category=...)`."""
    return UserFactory(handle="catmod", email="catmod@example.com", display_name="Cat Moderator")


@pytest.fixture
def staff():
    """A staff member (configures the community; also moderates today)."""
    return UserFactory(handle="staffer", email="staff@example.com", staff=True)


@pytest.fixture
def suspended():
    """A member suspended for a week ("Spamming links"): reads, but cannot post, react,
    flag, register, ask or vote. The suspension ends by itself when its time passes."""
    return UserFactory(handle="suspended", email="suspended@example.com", suspended=True)


@pytest.fixture
def deactivated():
    """A deactivated account (is_active=False): signed out everywhere, its token refused."""
    return UserFactory(handle="deactivated", email="deactivated@example.com", inactive=True)
