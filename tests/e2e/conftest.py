"""Browser fixtures for the end-to-end tests: headless Debian Chromium driven by Playwright (sync API).

The app runs in pytest-django's ``live_server`` (transactional database, reset after every test).
"""

import os
import re
from pathlib import Path

import pytest
from axes.utils import reset as axes_reset
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an asyncio loop in this thread; Django would then refuse ORM calls made
# by the test (SynchronousOnlyOperation). The tests never share a connection with a running coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium が見つかりません（{CHROMIUM}）。e2e テストには Debian の chromium パッケージが必要です："
            " apt-get install chromium",
            pytrace=False,
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs ~0.2 s per hash here (7 fixture users, every login); the browser tests are about
    the screens, not the hash, so they use a fast hasher to stay within the time budget."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_context(browser):
    """Make extra browser contexts (e.g. JavaScript off); all are closed after the test."""
    contexts = []

    def _new_context(**options):
        options = {"viewport": VIEWPORT, "locale": "ja-JP", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, live_server) -> Page:
    """A fresh page (own cookies and storage) for every test.

    Uncaught script errors collect in ``page.js_errors``, console errors (CSP violations, failed
    loads other than the browser's own /favicon.ico probe) in ``page.console_errors``.
    """
    # Lockouts live in axes' handler (the database by default, flushed after each test); reset them
    # explicitly too, so a lockout test cannot leak into the next one under a cache-based handler.
    axes_reset()
    page = new_context().new_page()
    page.js_errors = []
    page.console_errors = []

    def on_console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            page.console_errors.append(msg.text)

    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on("console", on_console)
    return page


@pytest.fixture
def url(live_server):
    def _url(path: str = "/") -> str:
        return live_server.url + path

    return _url


@pytest.fixture
def shot(request):
    """shot(page, "step") saves test-artifacts/screenshots/<test-name>-<step>.png (full page)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def _shot(page: Page, step: str) -> Path:
        path = SCREENSHOT_DIR / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
