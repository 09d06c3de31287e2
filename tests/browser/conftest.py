"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "docs", "screenshots")

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
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


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under docs/screenshots/ (the README's guided tour uses them)."""

    def _shot(name: str):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _shot

