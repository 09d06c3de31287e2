"""Where an API read's time goes, in-process (issue 24, section 2): one request of each action
through Django's test client against GET /login/, interleaved, with each one's statements.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console uv run pytest -m benchmark -s \
    tests/benchmarks/test_bench_api_inprocess.py

Then the parts of a DescribeLivePackageInfo of 100 packages, each timed alone, against the login
page: what the aim's floor is made of. BENCH_SQL=1 prints each request's statements,
BENCH_PROFILE=1 cProfile's top functions (BENCH_PROFILE_SORT=tottime), BENCH_MIDDLEWARE=1 the API
read with each middleware left out in turn.
"""

import cProfile
import json
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
            print("   ", query["time"], query["sql"][:2000])
    _floor(key, login_p50)
    if os.environ.get("BENCH_PROFILE"):
        for name, call in requests.items():
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(100):
                call()
            profile.disable()
            print(f"\n==== {name} (100 calls)")
            pstats.Stats(profile).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 45)


def _timed(call, repeat: int = 200) -> float:
    """Median milliseconds of `call`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _floor(key, login_p50: float) -> None:
    """What a DescribeLivePackageInfo of 100 packages cannot do without, each part timed alone."""
    from django.test import RequestFactory

    from console.accounts.api_keys import active_key, secret_decrypt
    from console.api import envelope, live, views
    from console.api.caller import Caller
    from console.api.signature import authorization_header

    found = active_key(key.secret_id)
    caller = Caller(member=found.member, key=found.key, request_id="r", language="zh-CN")
    params = {"PackageType": 0, "PageNum": 1, "PageSize": 100}
    answer = live.describe_live_package_info(caller, params)
    body = {"Response": {**answer, "RequestId": "r"}}
    with CaptureQueriesContext(connection) as queries:
        live.describe_live_package_info(caller, params)
    rows_sql = queries.captured_queries[-1]["sql"]

    def rows_fetched():
        with connection.cursor() as cursor:
            cursor.execute(rows_sql)
            cursor.fetchall()

    factory = RequestFactory()

    def view_alone():
        request = factory.post("/", data=signed_body, content_type="application/json", **signed_meta)
        views.api(request)

    timestamp = int(time.time())
    signed_body = json.dumps(params).encode()
    signed_meta = {
        "HTTP_HOST": "testserver", "HTTP_X_TC_ACTION": "DescribeLivePackageInfo", "HTTP_X_TC_VERSION": "2018-08-01",
        "HTTP_X_TC_TIMESTAMP": str(timestamp), "HTTP_X_TC_LANGUAGE": "zh-CN",
        "HTTP_AUTHORIZATION": authorization_header(
            secret_id=key.secret_id, secret_key=key.secret_key, service="live", timestamp=timestamp,
            headers={"Content-Type": "application/json", "Host": "testserver"}, body=signed_body,
        ),
    }
    from django.test import Client, override_settings

    # The rows as the action reads them (times written in the billing zone on either database).
    fetched = live._PackageList(connection).rows(
        connection, account_id=found.member.account_id, kinds=live.KINDS_BY_PACKAGE_TYPE[0], order_by=live.DEFAULT_ORDER,
        now=clock.now(), zone=clock.billing_zone(), limit=100,
    )

    def entries():
        [live._package_info(row, billing_mode="daily_traffic") for row in fetched]

    parts = {
        "signature (TC3 HMAC chain, body hash)": lambda: authorization_header(
            secret_id="x", secret_key="s" * 32, service="live", timestamp=int(time.time()),
            headers={"Content-Type": "application/json", "Host": "h"}, body=b"{}",
        ),
        "SecretKey decryption (Fernet)": lambda: secret_decrypt(found.key.secret_key_encrypted),
        "key lookup statement (key, member, account, login)": lambda: active_key(key.secret_id),
        "100 rows statement alone (executed and fetched)": rows_fetched,
        "100 entries from fetched rows (no database)": entries,
        "the action (its statement, 100 entries)": lambda: live.describe_live_package_info(caller, params),
        "JSON envelope of 100 entries": lambda: envelope.encode(body),
        "the API view alone (no middleware, no test client)": view_alone,
        "a database round trip (SELECT 1, as CONN_HEALTH_CHECKS does)": lambda: connection.cursor().execute("SELECT 1"),
    }
    if os.environ.get("BENCH_MIDDLEWARE"):
        from django.conf import settings as django_settings

        full = list(django_settings.MIDDLEWARE)
        for name in full:
            with override_settings(MIDDLEWARE=[m for m in full if m != name]):
                without = Client(raise_request_exception=False)
                try:
                    ms = _timed(lambda c=without: signed_post(c, key, "DescribeLivePackageInfo", params), repeat=100)
                except Exception as error:  # noqa: BLE001 - a middleware another one needs
                    print(f"BENCH   without {name:60} fails: {error!r}")
                    continue
            print(f"BENCH   without {name:60} {ms:6.3f}ms")
    if os.environ.get("BENCH_PROFILE_VIEW"):
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(100):
            view_alone()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
    print(f"BENCH parts of DescribeLivePackageInfo (100), against GET /login/ p50 {login_p50:.2f}ms:")
    for name, call in parts.items():
        ms = _timed(call)
        print(f"BENCH   {name:52} {ms:6.3f}ms ({ms / login_p50:.2f} x login)")
