"""A phone's first load of the README's demo on a slow mobile link (issue 24, section 1).

Run: uv run pytest -m benchmark -s tests/benchmarks/test_bench_first_load.py   # about 1 minute

The demo is started as the README says (`manage.py demo 127.0.0.1:PORT`, in this checkout, on a
database file of its own in a temporary folder), and Chromium opens four pages at 390x844 with
Lighthouse's mobile profile applied through DevTools: 562.5 ms round trip, 1,474.56 kbit/s down,
675 kbit/s up (Network.emulateNetworkConditions), CPU 4x slower (Emulation.setCPUThrottlingRate).
Each page is opened in a new browser context signed in with the persona's cookies (a cold HTTP
cache), then once more in the same context (the second visit). Printed per page: the HTML's
arrival (responseEnd), the Largest Contentful Paint and their ratio, bytes on the wire (headers
and bodies as sent), requests, XHR/fetch requests (what htmx asks for after the page arrived) and
the CSS and JS the second visit fetched (revalidations count: they wait a round trip too).
The deterministic aims (bytes, requests after load, second visit) are asserted; the ratio, a
timing on a shared machine, is printed with its aim, as the median of RUNS cold visits.

The reference, measured the same way in the same run: a bare page (a heading and a sentence,
250 bytes, no style sheet or script) served from this process. Its LCP is what Chromium at 4x
needs to commit a navigation and paint anything at all after the last byte; each page's ratio is
printed beside it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.acceptance.conftest import _wait_until_serving, free_port, newcomer_environment
from tests.browser.conftest import CHROMIUM, browser_type_launch_args  # noqa: F401 (a fixture, reused)

pytestmark = pytest.mark.benchmark

# Lighthouse's mobile profile ("slow 4G" as DevTools applies it).
LATENCY_MS = 562.5
DOWN_BYTES_PER_S = 1474.56 * 1024 / 8
UP_BYTES_PER_S = 675 * 1024 / 8
CPU_SLOWDOWN = 4
PHONE = {"width": 390, "height": 844}

AIM_LCP_RATIO = 1.25
AIM_FIRST_VISIT_BYTES = 60 * 1024
RUNS = 5
BARE_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Bare</title></head>'
    b"<body><h1>Package/Plugin Management</h1><p>Traffic packages of this account.</p></body></html>"
)


@dataclass
class Visit:
    requests: dict[str, dict] = field(default_factory=dict)

    def listen(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", lambda e: self.requests.setdefault(e["requestId"], {}).update(
            url=e["request"]["url"], type=e.get("type", "")))
        cdp.on("Network.requestServedFromCache", lambda e: self.requests.setdefault(e["requestId"], {}).update(cached=True))
        cdp.on("Network.responseReceived", lambda e: self.requests.setdefault(e["requestId"], {}).update(
            status=e["response"]["status"], type=e.get("type", ""),
            cached=self.requests.get(e["requestId"], {}).get("cached") or e["response"].get("fromDiskCache")
            or e["response"].get("fromMemoryCache") or False,
            encoding={k.lower(): v for k, v in e["response"].get("headers", {}).items()}.get("content-encoding", "")))
        cdp.on("Network.loadingFinished", lambda e: self.requests.setdefault(e["requestId"], {}).update(
            wire=e.get("encodedDataLength", 0)))

    @property
    def wire_bytes(self) -> int:
        return int(sum(r.get("wire", 0) for r in self.requests.values()))

    @property
    def fetched(self) -> list[dict]:
        return [r for r in self.requests.values() if "url" in r and not r.get("cached")]

    def after_load(self) -> list[str]:
        return [r["url"] for r in self.fetched if r.get("type") in ("XHR", "Fetch")]

    def css_js_fetched(self) -> list[str]:
        return [r["url"] for r in self.fetched if r.get("type") in ("Stylesheet", "Script")]


@pytest.fixture(scope="module")
def demo_server():
    """`manage.py demo` from this checkout, on a free loopback port and its own SQLite file."""
    folder = Path(tempfile.mkdtemp(prefix="bench-first-load-"))
    port = free_port()
    log = folder / "demo.log"
    env = {**newcomer_environment(), "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}"}
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "demo", f"127.0.0.1:{port}"], cwd=settings.BASE_DIR, env=env,
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(server, f"{url}/login/", log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def bare_page_url():
    """The reference page, from a server in this process."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(BARE_PAGE)))
            self.end_headers()
            self.wfile.write(BARE_PAGE)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _signed_in_state(browser, url: str) -> tuple[dict, str]:
    """The demo owner's cookies, and the address of one of their tickets."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{url}/login/")
    page.locator("input[name=username]").fill("demo")
    page.locator("input[name=password]").fill("demo")
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    # The seed has no ticket: the owner submits one, as a person does.
    page.goto(f"{url}/tickets/new/?product=css&issue_type=other")
    page.get_by_label("Title").fill("Stream keeps buffering in Shenzhen")
    page.get_by_label("Description").fill("Viewers in Shenzhen see buffering every few minutes since Monday.")
    page.get_by_label("Phone number").fill("13800000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit Ticket").click()
    ticket = page.evaluate(
        "() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href')).find(h => /^\\/tickets\\/\\d+\\/$/.test(h))"
    ) or page.url.removeprefix(url)
    assert ticket and ticket.startswith("/tickets/"), ticket
    state = context.storage_state()
    context.close()
    return state, ticket


def _measure(browser, url: str, state: dict | None) -> dict:
    context = browser.new_context(viewport=PHONE, storage_state=state)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": DOWN_BYTES_PER_S, "uploadThroughput": UP_BYTES_PER_S,
    })
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    first = Visit()
    first.listen(cdp)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate("""() => new Promise(resolve => {
        const nav = performance.getEntriesByType('navigation')[0];
        new PerformanceObserver(list => {
            const entries = list.getEntries();
            const last = entries[entries.length - 1];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            const element = last.element;
            resolve({lcp: last.startTime, responseEnd: nav.responseEnd, fcp: fcp ? fcp.startTime : 0,
                     lcpElement: element ? `${element.tagName.toLowerCase()}.${element.className}`.slice(0, 40) : '?',
                     html: nav.encodedBodySize, htmlDecoded: nav.decodedBodySize});
        }).observe({type: 'largest-contentful-paint', buffered: true});
    })""")
    result = {
        **timing, "ratio": timing["lcp"] / timing["responseEnd"], "bytes": first.wire_bytes,
        "requests": len(first.fetched), "after_load": first.after_load(), "detail": first.fetched,
        "uncompressed": [r["url"].rsplit("/", 1)[-1] for r in first.fetched
                         if r.get("type") in ("Stylesheet", "Script") and r.get("encoding") not in ("gzip", "br")],
    }
    first.requests = {}  # its listeners stay registered: they must not count the second visit
    second = Visit()
    second.listen(cdp)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    context.close()
    return {**result, "second_css_js": second.css_js_fetched()}


def _median_of_runs(browser, url: str, state: dict | None) -> dict:
    """The first run in full (bytes and requests are the same each time), with the median LCP,
    arrival and ratio of RUNS cold visits."""
    runs = [_measure(browser, url, state) for _ in range(RUNS)]
    ratios = sorted(runs, key=lambda r: r["ratio"])
    middle = ratios[len(ratios) // 2]
    return {**runs[0], **{name: middle[name] for name in ("lcp", "fcp", "responseEnd", "ratio", "lcpElement")},
            "ratios": [round(r["ratio"], 2) for r in ratios]}


def test_phone_first_load(demo_server, bare_page_url, browser):
    state, ticket = _signed_in_state(browser, demo_server)
    pages = {
        "package page": ("/css/packages/", state),
        "Balance and bills": ("/css/billing/", state),
        "a ticket": (ticket, state),
        "login page": ("/login/", None),
    }
    print(f"\nBENCH first load, 390x844, Lighthouse mobile profile, median of {RUNS}, load={os.getloadavg()[0]:.1f}")
    bare = _median_of_runs(browser, bare_page_url, None)
    print(
        f"BENCH first-load {'bare page (reference)':22} responseEnd={bare['responseEnd']:.0f}ms LCP={bare['lcp']:.0f}ms "
        f"ratio={bare['ratio']:.2f} (aim <= {AIM_LCP_RATIO}: {'met' if bare['ratio'] <= AIM_LCP_RATIO else 'MISSED'}) "
        f"runs={bare['ratios']}"
    )
    results = {}
    for name, (path, cookies) in pages.items():
        r = results[name] = _median_of_runs(browser, demo_server + path, cookies)
        print(
            f"BENCH first-load {name:22} responseEnd={r['responseEnd']:.0f}ms FCP={r['fcp']:.0f}ms "
            f"LCP={r['lcp']:.0f}ms ({r['lcpElement']}) "
            f"ratio={r['ratio']:.2f} (aim <= {AIM_LCP_RATIO}: {'met' if r['ratio'] <= AIM_LCP_RATIO else 'MISSED'}; "
            f"{r['ratio'] / bare['ratio']:.2f} x the bare page's) runs={r['ratios']} "
            f"wire={r['bytes'] / 1024:.1f}KB (HTML {r['html'] / 1024:.1f}KB of {r['htmlDecoded'] / 1024:.1f}KB) "
            f"requests={r['requests']} after-load={len(r['after_load'])} second-visit-css-js={len(r['second_css_js'])}"
            f" uncompressed-css-js={r['uncompressed']}"
        )
        if os.environ.get("BENCH_FIRST_LOAD_DETAIL"):
            for request in r["detail"]:
                print(f"BENCH   {request.get('wire', 0):>7.0f} B  {request.get('type', '')[:10]:10} {request['url']}")
        for extra in r["after_load"]:
            print(f"BENCH   after load: {extra}")
    for name, r in results.items():
        assert r["bytes"] <= AIM_FIRST_VISIT_BYTES, f"{name}: {r['bytes']} bytes on the wire"
        assert not r["after_load"], f"{name}: requests after load {r['after_load']}"
        assert not r["second_css_js"], f"{name}: the second visit fetched {r['second_css_js']}"
