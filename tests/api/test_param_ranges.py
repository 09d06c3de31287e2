"""Values out of any range the databases hold are documented API codes, never `InternalError`,
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from refunds.models import Refund
from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, FundedAccountFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db

REFUND = {"ClientToken": "t-1", "ProductCode": "p_live", "SubProductCode": "sp_live_package", "RegionCode": "ap-guangzhou"}
# The last page whose first row (PageNum - 1) x 100 is still a signed 64-bit offset.
PAGE_NUM_MAX = (2**63 - 1) // 100
DEAD_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def key():
    return ApiKeyFactory(member=MemberFactory(account=FundedAccountFactory(funds={"cash": "10.00"})))


@pytest.fixture
def package(key):
    return PackageFactory(owner=key.member.account, code="lvpkg-range001")


@pytest.mark.parametrize("page_num", [10**30, 2**63, 2**62, PAGE_NUM_MAX + 1], ids=["1e30", "2^63", "2^62", "max+1"])
def test_a_page_number_beyond_a_64_bit_offset_is_an_invalid_parameter_value(client, key, package, page_num):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0, "PageNum": page_num, "PageSize": 10})

    assert error_code(answer) == "InvalidParameterValue"


def test_the_last_page_number_allowed_is_answered_empty(client, key, package):
    _, answer = signed_post(
        client, key, "DescribeLivePackageInfo", {"PackageType": 0, "PageNum": PAGE_NUM_MAX, "PageSize": 100}
    )

    assert (answer["Response"]["LivePackageInfoList"], answer["Response"]["TotalNum"]) == ([], 1)


def test_a_negative_integer_below_64_bits_is_an_invalid_parameter_value(client, key, package):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": -(2**64)})

    assert error_code(answer) == "InvalidParameterValue"


def test_a_nul_character_in_an_instance_id_is_an_invalid_parameter_value(client, key, package):
    _, answer = signed_post(client, key, "RefundInstance", {**REFUND, "InstanceId": "lvpkg-\u0000range001"}, service="billing")

    assert error_code(answer) == "InvalidParameterValue"
    assert not Refund.objects.exists()


def test_a_nul_character_in_a_client_token_is_an_invalid_parameter_value(client, key, package):
    _, answer = signed_post(
        client, key, "RefundInstance", {**REFUND, "ClientToken": "a\u0000b", "InstanceId": package.code}, service="billing"
    )

    assert error_code(answer) == "InvalidParameterValue"


class TestWithTheCacheDown:
    """Nothing about money reads the cache: with Redis unreachable the API still refunds and
    answers balances; the rate limit fails open."""

    @pytest.fixture(autouse=True)
    def dead_cache(self, settings):
        settings.RATELIMIT_ENABLE = True
        settings.CACHES = {**settings.CACHES, "default": DEAD_REDIS}
        yield
        caches["default"].close()

    def test_a_refund_is_answered_with_its_order(self, client, key, package):
        _, answer = signed_post(client, key, "RefundInstance", {**REFUND, "InstanceId": package.code}, service="billing")

        assert answer["Response"]["OrderIdList"] == [Refund.objects.get(package=package).order_id]

    def test_the_balance_is_answered(self, client, key):
        _, answer = signed_post(client, key, "DescribeAccountBalance", {}, service="billing")

        assert answer["Response"]["CashAccountBalance"] == 1000
