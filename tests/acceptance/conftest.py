"""The product as a newcomer starts it and as its users use it, from outside.

One server for the whole session: the committed HEAD cloned into a temporary folder, started there
with the README's own first command (`uv run manage.py demo 127.0.0.1:PORT`, on a free loopback
port) in an environment that carries nothing the README does not ask for (no DATABASE_URL, no
DEMO_MODE, no CACHE_URL: what a new machine's shell has). The tests then drive it as people do
(Chromium, in both languages and both sizes) and as scripts do (the official Tencent Cloud SDK in
loops, threads, retries, GET and the older signature). Nothing here imports the project's code
to reach the server: a test-client call proves a view, not the product.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, browser_type_launch_args  # noqa: F401 (a fixture, reused)

ACCEPTANCE_TESTS = Path(__file__).resolve().parent
REPOSITORY = ACCEPTANCE_TESTS.parent.parent
# A fresh clone's first `uv run` builds its environment (from uv's cache), migrates and seeds.
START_TIMEOUT_SECONDS = 300
# What a newcomer's shell has: where programs and uv's cache are, and uv's own configuration
# (a package index, for instance). Nothing of the project's settings.
PASSED_ENVIRONMENT = re.compile(r"PATH|HOME|USER|LANG|LC_[A-Z]+|TMPDIR|XDG_[A-Z_]+|UV_[A-Z_]+|PIP_[A-Z_]+|SSL_CERT_[A-Z_]+")


def pytest_collection_modifyitems(config, items):
    # Like tests/browser/conftest.py: pytest hands this hook every collected item.
    for item in items:
        if not item.path.resolve().is_relative_to(ACCEPTANCE_TESTS):
            continue
        item.add_marker(pytest.mark.acceptance)
        if "page" in getattr(item, "fixturenames", ()) and not os.path.exists(CHROMIUM):
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


@dataclass(frozen=True)
class Demo:
    url: str
    endpoint: str  # HOST:PORT, as the SDK's HttpProfile takes it
    clone: Path
    log: Path

    def manage(self, *arguments: str) -> str:
        """`uv run manage.py ARGUMENTS` in the clone, as the README says to run it; its output."""
        done = subprocess.run(
            ["uv", "run", "manage.py", *arguments], cwd=self.clone, env=newcomer_environment(),
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@dataclass(frozen=True)
class ApiKey:
    secret_id: str
    secret_key: str


def newcomer_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if PASSED_ENVIRONMENT.fullmatch(name)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_served(tmp_path_factory) -> Iterator[Demo]:
    """The committed HEAD cloned into a new folder and started there with the README's command."""
    if shutil.which("git") is None or not (REPOSITORY / ".git").exists():
        pytest.skip("the acceptance tests clone the committed HEAD: they need git and a checkout")
    if shutil.which("uv") is None:
        pytest.skip("the README's commands need uv")
    folder = tmp_path_factory.mktemp("fresh-clone")
    clone = folder / "css-console"
    subprocess.run(["git", "clone", "--quiet", str(REPOSITORY), str(clone)], check=True)
    port = free_port()
    log = folder / "demo.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            ["uv", "run", "manage.py", "demo", f"127.0.0.1:{port}"],
            cwd=clone, env=newcomer_environment(), stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(server, f"{url}/login/", log)
        yield Demo(url=url, endpoint=f"127.0.0.1:{port}", clone=clone, log=log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Iterator[Demo]:
    """One demo for the session's journeys, which leave it at real time as they found it. A journey
    whose clock move leaves lasting effects overrides `demo` in its module with `demo_of_its_own`."""
    with demo_served(tmp_path_factory) as served:
        yield served


@pytest.fixture(scope="module")
def demo_of_its_own(tmp_path_factory) -> Iterator[Demo]:
    """A demo for one module: the presenter's "+1 day" bills a day and passes deadlines (the
    in-arrears persona is suspended), which "Back to real time" does not undo, and the other
    journeys start from the seed."""
    with demo_served(tmp_path_factory) as served:
        yield served


def _wait_until_serving(server: subprocess.Popen, login_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`uv run manage.py demo` exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(login_url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        # Polling a process we started for its port to open: there is no event to wait on.
        time.sleep(0.5)
    pytest.fail(f"`uv run manage.py demo` did not serve {login_url} in {START_TIMEOUT_SECONDS} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def owner_key(demo) -> ApiKey:
    """The owner's API key pair that `demo` printed at start, as the README tells a script to use."""
    lines = demo.log.read_text().splitlines()
    start = lines.index("  demo (owner)")
    printed = dict(line.strip().split("=", 1) for line in lines[start + 1 : start + 3])
    return ApiKey(printed["SecretId"], printed["SecretKey"])


@pytest.fixture(scope="session")
def second_owner_key(demo) -> ApiKey:
    """Another key of the owner, made with the README's command. The API's rate limit (20 calls a
    second per key and action, as Tencent's) would be met if every test called with one key within
    a second, so the bursts use `owner_key` and the rest this one."""
    printed = dict(line.split("=", 1) for line in demo.manage("api_key_create", "demo").split())
    return ApiKey(printed["SecretId"], printed["SecretKey"])


@pytest.fixture
def sign_in(page, demo):
    """Sign `page` in through the login form as a demo persona (password = user name)."""

    def _sign_in(username: str):
        page.goto(f"{demo.url}/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(username)
        with page.expect_navigation():
            page.locator("input[name=password]").press("Enter")
        page.wait_for_load_state("networkidle")
        return page

    return _sign_in
