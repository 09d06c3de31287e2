"""Where an API read's time goes, in-process (issue 24, section 2): one request of each action
through Django's test client against GET /login/, interleaved, with each one's statements.

Run: uv run pytest -m benchmark -s tests/benchmarks/test_bench_api_inprocess.py
(BENCH_PROFILE=1 also prints cProfile's top functions of each.)
"""

import cProfile
import os
import pstats
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.core import clock
from console.packages.models import Package
from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory, spec

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

PACKAGES = 100
REPEATS = 200


def test_api_reads_in_process_against_the_login_page(client, settings):
    settings.API_RATE_LIMIT = "1000000/s"  # counted as in production, never reached
    member = MemberFactory()
    traffic, now = spec("traffic"), clock.now()
    Package.objects.bulk_create(
        PackageFactory.build(owner=member.account, spec=traffic, purchased_at=now - timedelta(minutes=i + 1))
        for i in range(PACKAGES)
    )
    key = ApiKeyFactory(member=member)

    def login():
        assert client.get("/login/").status_code == 200

    def package_info():
        answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0, "PageNum": 1, "PageSize": 100})[1]
        assert error_code(answer) is None, answer

    def balance():
        answer = signed_post(client, key, "DescribeAccountBalance", service="billing")[1]
        assert error_code(answer) is None, answer

    requests = {"GET /login/": login, "DescribeLivePackageInfo": package_info, "DescribeAccountBalance": balance}
    for call in requests.values():
        for _ in range(5):
            call()
    times = {name: [] for name in requests}
    for _ in range(REPEATS):
        for name, call in requests.items():
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    login_p50 = statistics.median(times["GET /login/"])
    print(f"\nBENCH in-process, {REPEATS} each, interleaved, load {os.getloadavg()[0]:.1f}")
    for name, call in requests.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        p50 = statistics.median(times[name])
        print(f"BENCH {name:24} p50={p50:.2f}ms ({p50 / login_p50:.2f} x login) queries={len(queries)}")
        for query in queries.captured_queries if os.environ.get("BENCH_SQL") else ():
            print("   ", query["sql"][:300])
    if os.environ.get("BENCH_PROFILE"):
        for name, call in requests.items():
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(100):
                call()
            profile.disable()
            print(f"\n==== {name} (100 calls)")
            pstats.Stats(profile).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(45)
