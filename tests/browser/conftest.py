"""Browser tests: Playwright driving Debian's Chromium against a live daphne server.

No browser is ever downloaded (never ``playwright install``): the tests use
``/usr/bin/chromium`` (or ``KINDRED_CHROMIUM``). Without it they are skipped
with a reason, unless ``REQUIRE_BROWSER=1``, where a missing browser fails the
run instead, so CI can never pass by skipping.

Playwright's sync API keeps an event loop running in this thread while it is
started, which would trip Django's async-safety check and pytest-asyncio in
the rest of the suite: so everything here is package-scoped, and ends with the
browser tests.

The server is a real daphne process (``tests/live.py``) on a migrated database
of its own, PostgreSQL or SQLite like the rest of the run, with Redis when the
run has it.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FAST_LIMITS,
    REQUIRE_BROWSER,
    WAIT_MS,
    Pages,
)
from tests.live import LiveDatabase, LiveServer


def _browser_problem() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        elsewhere = shutil.which("chromium")
        hint = f"; there is one at {elsewhere}: set KINDRED_CHROMIUM" if elsewhere else ""
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium){hint}"
    return None


def _unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def _playwright():
    problem = _browser_problem()
    if problem:
        _unavailable(problem)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="package")
def browser(_playwright):
    try:
        launched = _playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # a broken install counts as missing
        _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_database(_playwright):
    database = LiveDatabase()
    yield database
    database.drop()


@pytest.fixture(scope="package")
def kindred_server(browser_database):
    server = LiveServer(browser_database, **FAST_LIMITS).start()
    yield server
    server.stop()


@pytest.fixture
def pages(browser, kindred_server):
    opened = Pages(browser, kindred_server)
    yield opened
    opened.close()
    # A script error in a page is a bug even when the test's own checks passed.
    assert not opened.script_errors, opened.script_errors
