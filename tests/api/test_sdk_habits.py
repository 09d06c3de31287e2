"""The official SDKs' ordinary habits against the live server: polling and threads within one
second, GET, the older signature v1 (HmacSHA1, HmacSHA256, over POST and GET), each answered as
Tencent Cloud answers them."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from console.api import signature
from refunds.models import Refund
from tests.api import live_sdk
from tests.api.live_sdk import Key, sdk_error
from tests.factories import ApiKeyFactory, FundedAccountFactory, MemberFactory, PackageFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sdk_clock")]

V1 = ["HmacSHA1", "HmacSHA256"]


@pytest.fixture
def owner():
    return MemberFactory(account=FundedAccountFactory(funds={"cash": "10.00"}))


@pytest.fixture
def owner_key(owner) -> Key:
    key = ApiKeyFactory(member=owner)
    return Key(key.secret_id, key.secret_key)


@pytest.fixture
def package(owner):
    return PackageFactory(owner=owner.account, kind="traffic", spec_name="1 TB", code="lvpkg-habit001")


@pytest.fixture
def one_second(sdk_clock):
    sdk_clock.frozen = int(time.time())
    return sdk_clock


def test_five_identical_calls_in_one_second_are_all_answered(live_server, owner_key, package, one_second):
    answers = [live_sdk.list_packages(live_server, owner_key).TotalNum for _ in range(5)]

    assert answers == [1] * 5


def test_eight_threads_on_one_key_in_one_second_are_all_answered(live_server, owner_key, package, one_second):
    results: list[object] = []
    start = threading.Barrier(8)

    def poll():
        start.wait()
        try:
            results.append(live_sdk.list_packages(live_server, owner_key).TotalNum)
        except Exception as error:  # noqa: BLE001 - the result names what went wrong
            results.append(repr(error))

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [1] * 8


def test_a_refund_retried_in_one_second_answers_the_first_order_and_refunds_once(live_server, owner_key, package, one_second):
    first = live_sdk.refund(live_server, owner_key, package.code, client_token="retry")

    again = live_sdk.refund(live_server, owner_key, package.code, client_token="retry")

    assert again.OrderIdList == first.OrderIdList
    assert Refund.objects.filter(package=package).count() == 1


def test_a_get_is_answered_with_its_query_string_parameters(live_server, owner_key, package):
    answer = live_sdk.list_packages(live_server, owner_key, via={"method": "GET"}, PageNum=1, PageSize=10)

    assert (answer.TotalNum, answer.PageSize, [info.Id for info in answer.LivePackageInfoList]) == (1, 10, [package.code])


def test_a_get_refund_moves_the_money_once(live_server, owner_key, package):
    answer = live_sdk.refund(live_server, owner_key, package.code, via={"method": "GET"})

    assert answer.OrderIdList == [Refund.objects.get(package=package).order_id]


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("sign", V1)
def test_the_older_signature_is_answered(live_server, owner_key, package, sign, method):
    via = {"sign": sign, "method": method}

    listed = live_sdk.list_packages(live_server, owner_key, via=via, PageNum=1, PageSize=10)
    balance = live_sdk.balances(live_server, owner_key, via=via)

    assert [info.Id for info in listed.LivePackageInfoList] == [package.code]
    assert balance.CashAccountBalance == 1000


@pytest.mark.parametrize("sign", V1)
def test_a_v1_refund_is_the_same_refund(live_server, owner_key, package, sign):
    answer = live_sdk.refund(live_server, owner_key, package.code, via={"sign": sign})

    assert answer.OrderIdList == [Refund.objects.get(package=package).order_id]


def test_a_v1_request_signed_with_another_key_is_a_signature_failure(live_server, owner_key, package):
    wrong = Key(owner_key.secret_id, "not-the-secret-key")

    error = sdk_error(live_sdk.list_packages, live_server, wrong, via={"sign": "HmacSHA256"})

    assert error.code == "AuthFailure.SignatureFailure"


def test_a_v1_request_from_an_unknown_secret_id_is_not_found(live_server, owner_key, package):
    error = sdk_error(live_sdk.balances, live_server, Key("AKIDnobody", "x"), via={"sign": "HmacSHA1"})

    assert error.code == "AuthFailure.SecretIdNotFound"


def test_a_v1_request_ten_minutes_old_is_expired(live_server, owner_key, package, sdk_clock):
    sdk_clock.offset = -10 * 60

    error = sdk_error(live_sdk.balances, live_server, owner_key, via={"sign": "HmacSHA1"})

    assert error.code == "AuthFailure.SignatureExpire"


def test_a_repeated_v1_nonce_is_refused(live_server, owner_key, package, monkeypatch):
    monkeypatch.setattr("tencentcloud.common.abstract_client.random.randint", lambda low, high: 424242)
    live_sdk.balances(live_server, owner_key, via={"sign": "HmacSHA256"})

    error = sdk_error(live_sdk.balances, live_server, owner_key, via={"sign": "HmacSHA256"})

    assert error.code == "AuthFailure.SignatureExpire"


def test_a_v1_nonce_goes_unchecked_when_the_cache_fails(live_server, owner_key, package, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(cache, "add", unreachable)

    answer = live_sdk.balances(live_server, owner_key, via={"sign": "HmacSHA1"})

    assert answer.CashAccountBalance == 1000


def test_a_v1_request_is_answered_in_the_language_it_asks_for(live_server, owner_key, package):
    error = sdk_error(
        live_sdk.list_packages, live_server, owner_key, via={"sign": "HmacSHA1", "language": "zh-CN"}, PageNum=1, PageSize=5
    )

    assert error.code == "InvalidParameterValue"
    assert any("\u4e00" <= character <= "\u9fff" for character in error.message), error.message


def test_the_v1_string_to_sign_reads_underscores_in_names_as_dots():
    fields = {"Filters_0_Name": "a", "Action": "X", "Signature": "ignored"}

    assert signature.v1_string_to_sign(method="get", host="h:1", path="/", fields=fields) == "GETh:1/?Action=X&Filters.0.Name=a"
