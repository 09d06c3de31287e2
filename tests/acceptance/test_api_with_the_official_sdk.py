"""Scripts on the README's demo, through the official Tencent Cloud SDK as its users call it: a
polling loop and threads within one second, a retried refund, GET, the older signature (v1), and
parameters out of range, each answered in Tencent's own terms."""

import threading
import time

import pytest
from tencentcloud.billing.v20180709 import billing_client
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client
from tencentcloud.live.v20180801 import models as live_models

from tests.api.live_sdk import refund_request, sdk_clock_install

TC3 = "TC3-HMAC-SHA256"


@pytest.fixture
def one_second(monkeypatch):
    """Every call the SDK signs from here on is signed in the same second, as a fast loop's are."""
    clock = sdk_clock_install(monkeypatch)
    clock.frozen = int(time.time())
    return clock


def profile(demo, *, method="POST", sign=TC3, language="en-US") -> ClientProfile:
    return ClientProfile(
        signMethod=sign, language=language,
        httpProfile=HttpProfile(protocol="http", endpoint=demo.endpoint, reqMethod=method),
    )


def live(demo, key, **options) -> live_client.LiveClient:
    return live_client.LiveClient(credential.Credential(key.secret_id, key.secret_key), "", profile(demo, **options))


def billing(demo, key, **options) -> billing_client.BillingClient:
    return billing_client.BillingClient(credential.Credential(key.secret_id, key.secret_key), "", profile(demo, **options))


def traffic_packages(**fields) -> live_models.DescribeLivePackageInfoRequest:
    request = live_models.DescribeLivePackageInfoRequest()
    request.PackageType = 0
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def refused(call, *args) -> TencentCloudSDKException:
    with pytest.raises(TencentCloudSDKException) as caught:
        call(*args)
    return caught.value


def test_a_polling_loop_gets_five_answers_in_one_second(demo, owner_key, one_second):
    client = live(demo, owner_key)

    answers = [client.DescribeLivePackageInfo(traffic_packages()) for _ in range(5)]

    assert [answer.TotalNum for answer in answers] == [answers[0].TotalNum] * 5
    assert answers[0].TotalNum > 0


def test_eight_threads_on_one_key_in_one_second_are_all_answered(demo, owner_key, one_second):
    results: list[object] = []
    start = threading.Barrier(8)

    def poll():
        start.wait()
        try:
            results.append(live(demo, owner_key).DescribeLivePackageInfo(traffic_packages()).TotalNum)
        except TencentCloudSDKException as error:
            results.append(error.code)

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8 and all(isinstance(result, int) for result in results), results


def test_a_refund_retried_in_the_same_second_with_its_client_token_answers_the_same_order(demo, owner_key, one_second):
    client = billing(demo, owner_key)
    request = refund_request("lvpkg-dm000002", "acceptance-retry-1")

    first = client.RefundInstance(request)
    again = client.RefundInstance(request)

    assert first.OrderIdList and again.OrderIdList == first.OrderIdList
    listed = live(demo, owner_key).DescribeLivePackageInfo(traffic_packages())
    (package,) = [info for info in listed.LivePackageInfoList if info.Id == "lvpkg-dm000002"]
    assert package.Status == 5  # refunded, once


def test_get_requests_are_answered(demo, second_owner_key):
    packages = live(demo, second_owner_key, method="GET").DescribeLivePackageInfo(traffic_packages(PageNum=1, PageSize=10))
    balance = billing(demo, second_owner_key, method="GET").DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest())

    assert packages.PageSize == 10 and packages.TotalNum > 0
    assert balance.Balance == balance.RealBalance


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("sign", ["HmacSHA1", "HmacSHA256"])
def test_the_older_signature_is_answered(demo, second_owner_key, sign, method):
    packages = live(demo, second_owner_key, sign=sign, method=method).DescribeLivePackageInfo(traffic_packages())
    balance = billing(demo, second_owner_key, sign=sign, method=method).DescribeAccountBalance(
        billing_models.DescribeAccountBalanceRequest()
    )

    assert packages.TotalNum > 0
    assert balance.Balance == balance.RealBalance


@pytest.mark.parametrize("page_number", [10**30, 2**62])
def test_a_page_number_out_of_range_is_an_invalid_parameter_value(demo, second_owner_key, page_number):
    error = refused(live(demo, second_owner_key).DescribeLivePackageInfo, traffic_packages(PageNum=page_number, PageSize=10))

    assert error.code == "InvalidParameterValue"


def test_a_nul_character_in_an_instance_id_is_refused_as_a_parameter_error(demo, second_owner_key):
    error = refused(billing(demo, second_owner_key).RefundInstance, refund_request("lvpkg-\u0000dm000003", "acceptance-nul"))

    assert error.code.startswith("InvalidParameter") or error.code == "ResourceNotFound"


def test_the_sdks_default_language_is_answered_in_chinese(demo, second_owner_key):
    error = refused(
        live(demo, second_owner_key, language="zh-CN").DescribeLivePackageInfo, traffic_packages(PageNum=1, PageSize=5)
    )

    assert error.code == "InvalidParameterValue"
    assert any("\u4e00" <= character <= "\u9fff" for character in error.message), error.message
