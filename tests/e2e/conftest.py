"""Real-browser tests: Playwright's sync API driving Debian's Chromium against live_server.

`playwright install` cannot download browsers here, so Chromium comes from the system
(`apt-get install -y chromium`); tests/conftest.py skips `browser` tests when it is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

#: While Playwright's sync API is running, its asyncio loop counts as running in this thread,
#: so Django refuses ORM calls from the test (SynchronousOnlyOperation) although they are plain
#: synchronous calls. Allowed here only, for as long as the browser lives, never in settings:
#: left set, it would leak into other tests and into subprocesses (`check --deploy` fails).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Playwright's auto-waiting limit for each action and assertion.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module; Playwright's loop stops when the module is done."""
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh browser tab (own cookies) whose relative URLs point at the live server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Opens more tabs, each in its own context (own cookies): a second member, a phone, a
    browser in another time zone. Keyword arguments override the `page` fixture's context
    options (viewport, locale, timezone_id…). Every context is closed after the test."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts: list[BrowserContext] = []

    def new_page(**options: Any) -> Page:
        settings: dict[str, Any] = {
            "base_url": live_server.url,
            "viewport": {"width": 1280, "height": 900},
            "locale": "en-GB",
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Signs a member in through the login page: `sign_in(page, email)`; the factories'
    password unless one is given. Returns once the header no longer offers "Sign in"."""
    from playwright.sync_api import expect

    from tests.members.factories import DEFAULT_PASSWORD

    def sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_have_count(0)

    return sign_in
