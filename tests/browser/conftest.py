"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_TESTS = Path(__file__).resolve().parent

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    # pytest calls this hook with every collected item, not only this folder's, although it lives
    # in tests/browser/conftest.py: mark (and without Chromium, skip) only the tests under it.
    for item in items:
        if not item.path.resolve().is_relative_to(BROWSER_TESTS):
            continue
        item.add_marker(pytest.mark.browser)
        if not os.path.exists(CHROMIUM):
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def live_server_idle_before_the_database_is_emptied(request):
    """Wait, after a test, for the live server to finish the requests its page left in flight.

    Closing the browser context drops its connections, but a request the server had already begun
    runs on in its own thread. A transactional test then empties the tables while that request
    still holds locks on some of them, and PostgreSQL breaks the deadlock by failing the flush,
    which leaves rows behind for the next test. Being autouse, this is set up before the browser
    context and torn down after it, and after pytest-django's database fixture is set up, so it is
    torn down before the flush.
    """
    yield
    if "live_server" not in request.fixturenames:
        return
    server = request.getfixturevalue("live_server").thread.httpd
    # socketserver.ThreadingMixIn keeps its request threads here while block_on_close is set.
    for thread in list(server._threads):
        thread.join(timeout=30)
        assert not thread.is_alive(), "the live server is still answering a request 30 s after the test"


@pytest.fixture
def login(page, live_server):
    """Log `page` in through the real login form as `username` (password = `password`)."""

    def _login(username: str, password: str):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture(scope="session")
def screenshots_dir(pytestconfig, tmp_path_factory) -> Path:
    """Where `screenshot` saves: a temporary folder, so a test run leaves the work tree alone;
    SCREENSHOTS_DIR=docs/screenshots refreshes the README's pictures (relative to the repository)."""
    chosen = os.environ.get("SCREENSHOTS_DIR")
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = pytestconfig.rootpath / chosen
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(page, screenshots_dir):
    """Save a full-page screenshot named `name`.png in `screenshots_dir`."""

    def _shot(name: str) -> Path:
        path = screenshots_dir / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return _shot
