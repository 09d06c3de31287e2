"""API reads against the login page through gunicorn (issue 24, section 2).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console uv run pytest -m benchmark -s \
    tests/benchmarks/test_bench_api_reads.py

gunicorn with 4 sync workers in the embedded setup (no CACHE_URL, no broker), 8 client threads,
each signing its own requests (TC3-HMAC-SHA256, `console.api.signature.authorization_header`)
with its own key and keeping its connection open. The three requests take turns in rounds
(GET /login/, DescribeLivePackageInfo of 100 packages, DescribeAccountBalance), so all three meet
the same server in the same run; each round runs for ROUND_SECONDS with all eight clients on one
request. The rate limit counts as in production (a limit far above the load, so nothing is refused).
Printed: requests per second, p50 and p95 of each, and the two API reads' ratios to the login page.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from console.api.signature import authorization_header
from console.core import clock
from console.packages.models import Package
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory, spec

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres]

CLIENTS = 8
WORKERS = 4
PACKAGES = 100
ROUND_SECONDS = 5
ROUNDS = 3
AIMS = {"DescribeLivePackageInfo": 0.6, "DescribeAccountBalance": 0.8}
VERSIONS = {"live": "2018-08-01", "billing": "2018-07-09"}


def _gunicorn() -> tuple[subprocess.Popen, int]:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "CELERY_BROKER_URL")},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "false",
        "API_RATE_LIMIT": "1000000/s",
    }
    with listener:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "console.wsgi", "-b", f"fd://{listener.fileno()}",
             "--worker-class", "sync", "--workers", str(WORKERS), "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env, pass_fds=(listener.fileno(),),
        )
    return server, port


class Client:
    def __init__(self, port: int, key):
        self.port, self.key = port, key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def login_page(self) -> int:
        self.conn.request("GET", "/login/")
        response = self.conn.getresponse()
        response.read()
        return response.status

    def api(self, service: str, action: str, params: dict) -> int:
        body = json.dumps(params).encode()
        host = f"127.0.0.1:{self.port}"
        headers = {"Content-Type": "application/json", "Host": host}
        timestamp = int(time.time())
        headers.update({
            "X-TC-Action": action, "X-TC-Version": VERSIONS[service], "X-TC-Timestamp": str(timestamp),
            "Authorization": authorization_header(
                secret_id=self.key.secret_id, secret_key=self.key.secret_key, service=service,
                timestamp=timestamp, headers={"Content-Type": "application/json", "Host": host}, body=body,
            ),
        })
        self.conn.request("POST", "/", body=body, headers=headers)
        response = self.conn.getresponse()
        answer = json.loads(response.read())
        assert "Error" not in answer["Response"], answer
        return response.status


REQUESTS = {
    "GET /login/": lambda c: c.login_page(),
    "DescribeLivePackageInfo": lambda c: c.api("live", "DescribeLivePackageInfo", {"PackageType": 0, "PageNum": 1, "PageSize": 100}),
    "DescribeAccountBalance": lambda c: c.api("billing", "DescribeAccountBalance", {}),
}


def _round(clients: list[Client], call) -> tuple[float, list[float]]:
    latencies: list[float] = []
    stop = []
    go = threading.Barrier(len(clients) + 1, action=lambda: stop.append(time.monotonic() + ROUND_SECONDS))

    def run(client):
        go.wait()
        while time.monotonic() < stop[0]:
            started = time.perf_counter()
            call(client)
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    go.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


@pytest.mark.django_db(transaction=True)
def test_api_reads_against_the_login_page_through_gunicorn():
    member = MemberFactory()
    traffic, now = spec("traffic"), clock.now()
    Package.objects.bulk_create(
        PackageFactory.build(owner=member.account, spec=traffic, purchased_at=now - timedelta(minutes=i + 1)) for i in range(PACKAGES)
    )
    keys = [ApiKeyFactory(member=member) for _ in range(CLIENTS)]
    server, port = _gunicorn()
    try:
        clients = [Client(port, key) for key in keys]
        for client in clients:  # every worker has loaded what each request needs
            for call in REQUESTS.values():
                for _ in range(3):
                    call(client)
        rates = {name: [] for name in REQUESTS}
        samples = {name: [] for name in REQUESTS}
        for _ in range(ROUNDS):
            for name, call in REQUESTS.items():
                rate, latencies = _round(clients, call)
                rates[name].append(rate)
                samples[name] += latencies
    finally:
        server.terminate()
        server.wait(timeout=30)

    login_rate = statistics.median(rates["GET /login/"])
    print(f"\nBENCH API reads, gunicorn {WORKERS} sync workers, {CLIENTS} clients, {ROUNDS} x {ROUND_SECONDS}s rounds each, load {os.getloadavg()[0]:.1f}")
    for name in REQUESTS:
        q = statistics.quantiles(samples[name], n=100, method="inclusive")
        rate = statistics.median(rates[name])
        aim = AIMS.get(name)
        verdict = f" ratio {rate / login_rate:.2f} (aim >= {aim}: {'met' if rate / login_rate >= aim else 'MISSED'})" if aim else ""
        print(f"BENCH {name:24} {rate:7.1f} req/s  p50={q[49]:.1f}ms p95={q[94]:.1f}ms{verdict}")
