"""API reads write nothing (issue 24, section 2): after the first call within a minute, a
DescribeLivePackageInfo or DescribeAccountBalance runs no INSERT, UPDATE or DELETE, in the
embedded setup too (no CACHE_URL): the key's last use is written at most once a minute, and the
rate-limit counters live in the cache, not in a database table."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def writes(queries) -> list[str]:
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


@pytest.fixture
def key():
    member = MemberFactory()
    PackageFactory(owner=member.account)
    return ApiKeyFactory(member=member)


@pytest.mark.parametrize("action, service, params", [
    ("DescribeLivePackageInfo", "live", {"PackageType": 0}),
    ("DescribeAccountBalance", "billing", {}),
], ids=["DescribeLivePackageInfo", "DescribeAccountBalance"])
def test_a_read_after_the_first_within_a_minute_writes_nothing(client, key, action, service, params):
    first, answer = signed_post(client, key, action, params, service=service)
    assert error_code(answer) is None, answer

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            response, answer = signed_post(client, key, action, params, service=service)
            assert error_code(answer) is None, answer

    assert writes(queries.captured_queries) == []


def test_without_cache_url_api_reads_count_in_memory_not_in_a_table(settings):
    assert settings.CACHES[settings.API_READ_RATE_LIMIT_CACHE]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_twenty_first_read_within_a_second_is_refused(client, key, rate_limits_pinned):
    answers = [signed_post(client, key, "DescribeAccountBalance", service="billing")[1] for _ in range(21)]

    assert [error_code(answer) for answer in answers[:20]] == [None] * 20
    assert error_code(answers[20]) == "RequestLimitExceeded"
