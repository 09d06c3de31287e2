"""The official Tencent Cloud SDKs call the console's API over HTTP, on Django's live server."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest

from console.accounts.models import ApiKey, PresetPolicy
from console.core import clock
from console.ledger.models import LedgerEntry, LedgerKind
from refunds.models import Refund
from refunds.policy import Channel
from tests.api import live_sdk
from tests.api.live_sdk import Key, sdk_error
from tests.factories import (
    ApiKeyFactory,
    DeductionFactory,
    FundedAccountFactory,
    MemberFactory,
    PackageFactory,
    PolicyFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sdk_clock")]


@pytest.fixture
def owner():
    return MemberFactory(account=FundedAccountFactory(funds={"cash": "10.00"}))


@pytest.fixture
def owner_key(owner, api_key) -> Key:
    return api_key(owner)


@pytest.fixture
def package(owner):
    return PackageFactory(owner=owner.account, kind="traffic", spec_name="1 TB", code="lvpkg-api00001")


# --- DescribeLivePackageInfo ------------------------------------------------------------------------


def test_the_sdk_lists_the_accounts_traffic_packages_in_bytes_and_beijing_time(live_server, owner_key, package):
    answer = live_sdk.list_packages(live_server, owner_key)

    (info,) = answer.LivePackageInfoList
    beijing = package.purchased_at.astimezone(live_sdk_beijing())
    assert (info.Id, info.Type, info.Status, info.WillRenew, info.RenewalResult) == ("lvpkg-api00001", 0, 0, 0, 0)
    assert (info.Total, info.Used, info.Left) == (1000 * 1000**3, 0, 1000 * 1000**3)
    assert info.BuyTime == beijing.strftime("%Y-%m-%d %H:%M:%S")
    assert info.ExpireTime == package.expires_at.astimezone(live_sdk_beijing()).strftime("%Y-%m-%d %H:%M:%S")
    assert (answer.TotalNum, answer.TotalPage, answer.PackageBillMode, answer.FluxPackageBillMode) == (
        1, 1, 204, "204,204,204,204",
    )
    assert answer.RequestId


def live_sdk_beijing():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_used_amounts_and_status_follow_the_deductions(live_server, owner_key, package):
    DeductionFactory(package=package, usage=Decimal("1.500"))

    (info,) = live_sdk.list_packages(live_server, owner_key).LivePackageInfoList

    assert (info.Used, info.Left, info.Status) == (1_500_000_000, 998_500_000_000, 1)


def test_transcoding_packages_are_in_minutes_with_their_own_type(live_server, owner, owner_key):
    PackageFactory(owner=owner.account, kind="transcode_tsc", code="lvpkg-tsc")

    answer = live_sdk.list_packages(live_server, owner_key, PackageType=1)

    (info,) = answer.LivePackageInfoList
    package = owner.account.packages.get(code="lvpkg-tsc")
    assert (info.Type, info.Total, answer.PackageBillMode, answer.FluxPackageBillMode) == (
        2, int(package.total), 205, "",
    )


def test_co_anchoring_packages_are_in_hours(live_server, owner, owner_key):
    PackageFactory(owner=owner.account, kind="co_anchoring", spec_name="1,000 hours", code="lvpkg-co")

    (info,) = live_sdk.list_packages(live_server, owner_key, PackageType=2).LivePackageInfoList

    assert (info.Id, info.Type, info.Total, info.Left) == ("lvpkg-co", 3, 1000, 1000)


def test_pages_apply_only_when_both_page_num_and_page_size_are_sent(live_server, owner, owner_key):
    now = clock.now()
    for n in range(12):
        PackageFactory(owner=owner.account, code=f"lvpkg-page{n:02d}", purchased_at=now - timedelta(hours=n + 1))

    second = live_sdk.list_packages(live_server, owner_key, PageNum=2, PageSize=10)
    unpaged = live_sdk.list_packages(live_server, owner_key, PageSize=10)

    assert [info.Id for info in second.LivePackageInfoList] == ["lvpkg-page10", "lvpkg-page11"]
    assert (second.TotalNum, second.TotalPage, second.PageNum, second.PageSize) == (12, 2, 2, 10)
    assert len(unpaged.LivePackageInfoList) == 12


def test_packages_can_be_ordered_by_expiry(live_server, owner, owner_key):
    now = clock.now()
    PackageFactory(owner=owner.account, code="lvpkg-late", purchased_at=now - timedelta(hours=1))
    PackageFactory(owner=owner.account, code="lvpkg-soon", purchased_at=now - timedelta(days=3))

    answer = live_sdk.list_packages(live_server, owner_key, OrderBy="ExpireTimeAsc")

    assert [info.Id for info in answer.LivePackageInfoList] == ["lvpkg-soon", "lvpkg-late"]


def test_another_accounts_packages_are_not_listed(live_server, owner_key, package):
    PackageFactory(code="lvpkg-someone-else")

    answer = live_sdk.list_packages(live_server, owner_key)

    assert [info.Id for info in answer.LivePackageInfoList] == ["lvpkg-api00001"]


# --- DescribeAccountBalance --------------------------------------------------------------------------


def test_the_sdk_reads_the_balances_in_cents(live_server, api_key):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "48.00", "commission": "6.25", "free": "1.50"}))

    answer = live_sdk.balances(live_server, api_key(member))

    assert (answer.CashAccountBalance, answer.IncomeIntoAccountBalance, answer.PresentAccountBalance) == (4800, 625, 150)
    assert (answer.Balance, answer.RealBalance, answer.OweAmount, answer.FreezeAmount) == (5575, 5575, 0, 0)
    assert answer.Uin == member.account.uin


# --- RefundInstance ----------------------------------------------------------------------------------


def test_a_refund_with_a_client_token_answers_its_order_id_and_moves_the_money(live_server, owner, owner_key, package):
    answer = live_sdk.refund(live_server, owner_key, "lvpkg-api00001", client_token="first-try")

    refund = Refund.objects.get(package=package)
    assert answer.OrderIdList == [refund.order_id]
    assert (refund.channel, refund.sub_product_code, refund.region_code) == (
        Channel.API, "sp_live_package", "ap-guangzhou",
    )
    owner.account.refresh_from_db()
    assert owner.account.cash_balance == Decimal("10.00") + package.paid_cash


def test_a_replay_with_the_same_client_token_answers_the_same_order_id_and_refunds_once(live_server, owner_key, package):
    first = live_sdk.refund(live_server, owner_key, "lvpkg-api00001", client_token="retry-me")

    again = live_sdk.refund(live_server, owner_key, "lvpkg-api00001", client_token="retry-me")

    assert again.OrderIdList == first.OrderIdList
    assert Refund.objects.filter(package=package).count() == 1
    assert LedgerEntry.objects.filter(package=package, kind=LedgerKind.REFUND).count() == 1


def test_a_new_client_token_for_a_refunded_package_is_refused_as_already_refunded(live_server, owner_key, package):
    live_sdk.refund(live_server, owner_key, "lvpkg-api00001", client_token="one")

    error = sdk_error(live_sdk.refund, live_server, owner_key, "lvpkg-api00001", client_token="two")

    assert error.code == "FailedOperation.AlreadyRefunded"
    assert "already been refunded" in error.message


def test_a_used_package_is_refused_with_the_policys_reason(live_server, owner_key, package):
    DeductionFactory(package=package)

    error = sdk_error(live_sdk.refund, live_server, owner_key, "lvpkg-api00001")

    assert error.code == "FailedOperation.Used"
    assert error.message == "The package has been used: a deduction has been made from it."
    assert not Refund.objects.exists()


def test_another_accounts_package_is_resource_not_found(live_server, owner_key):
    PackageFactory(code="lvpkg-not-yours")

    error = sdk_error(live_sdk.refund, live_server, owner_key, "lvpkg-not-yours")

    assert error.code == "ResourceNotFound"
    assert not Refund.objects.exists()


def test_a_sub_user_without_finance_refund_instance_is_unauthorized(live_server, owner, api_key, package):
    reader = MemberFactory(sub_user=True, account=owner.account, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])
    key = api_key(reader)

    listed = live_sdk.list_packages(live_server, key)
    error = sdk_error(live_sdk.refund, live_server, key, "lvpkg-api00001")

    assert [info.Id for info in listed.LivePackageInfoList] == ["lvpkg-api00001"]
    assert error.code == "UnauthorizedOperation"
    assert "finance:RefundInstance" in error.message
    assert not Refund.objects.exists()


def test_a_sub_user_with_a_custom_policy_in_tencents_finace_spelling_may_refund(live_server, owner, api_key, package):
    policy = PolicyFactory(
        account=owner.account,
        document={"version": "2.0", "statement": [{"effect": "allow", "action": "finace:RefundInstance", "resource": "*"}]},
    )
    refunder = MemberFactory(sub_user=True, account=owner.account, policies=[policy])

    answer = live_sdk.refund(live_server, api_key(refunder), "lvpkg-api00001")

    assert answer.OrderIdList == [Refund.objects.get(package=package).order_id]


def test_a_sub_user_without_any_policy_may_not_even_list(live_server, owner, api_key, package):
    nobody = MemberFactory(sub_user=True, account=owner.account)

    error = sdk_error(live_sdk.list_packages, live_server, api_key(nobody))

    assert error.code == "UnauthorizedOperation"


# --- authentication ----------------------------------------------------------------------------------


def test_a_wrong_secret_is_a_signature_failure(live_server, owner_key, package):
    wrong = Key(owner_key.secret_id, owner_key.secret_key + "x")

    error = sdk_error(live_sdk.refund, live_server, wrong, "lvpkg-api00001")

    assert error.code == "AuthFailure.SignatureFailure"
    assert not Refund.objects.exists()


def test_an_expired_timestamp_is_refused(live_server, owner_key, package, sdk_clock):
    sdk_clock.offset = -10 * 60

    error = sdk_error(live_sdk.refund, live_server, owner_key, "lvpkg-api00001")

    assert error.code == "AuthFailure.SignatureExpire"
    assert not Refund.objects.exists()


def test_an_unknown_secret_id_is_refused(live_server, package):
    error = sdk_error(live_sdk.list_packages, live_server, Key("AKIDnosuchkey00000000000000000000000", "secret"))

    assert error.code == "AuthFailure.SecretIdNotFound"


def test_a_disabled_key_is_refused_as_not_found(live_server, owner):
    key = ApiKeyFactory(member=owner, enabled=False)

    error = sdk_error(live_sdk.list_packages, live_server, Key(key.secret_id, key.secret_key))

    assert error.code == "AuthFailure.SecretIdNotFound"


def test_the_same_signature_twice_is_answered_twice(live_server, owner_key, package, sdk_clock):
    sdk_clock.frozen = int(time.time())
    first = live_sdk.list_packages(live_server, owner_key)

    again = live_sdk.list_packages(live_server, owner_key)

    assert again.TotalNum == first.TotalNum == 1


def test_a_call_records_when_the_key_was_last_used(live_server, owner, owner_key):
    live_sdk.balances(live_server, owner_key)

    assert ApiKey.objects.get(secret_id=owner_key.secret_id).last_used_at is not None
