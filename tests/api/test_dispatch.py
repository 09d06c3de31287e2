"""`POST /` with X-TC-Action is the API; everything it refuses is an envelope (HTTP 200, exactly
`application/json`), never a 500, and changes nothing."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from console.api import actions
from console.api.errors import ApiError
from console.core import clock
from console.core.errors import PermissionRefused
from refunds.models import Refund
from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return ApiKeyFactory(member=MemberFactory())


@pytest.fixture
def refundable(key):
    return PackageFactory(owner=key.member.account, code="lvpkg-disp0001")


def refund_params(**changes):
    params = {
        "ClientToken": "token-1", "ProductCode": "p_live", "SubProductCode": "sp_live_package",
        "InstanceId": "lvpkg-disp0001", "RegionCode": "ap-guangzhou",
    }
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


# --- the door --------------------------------------------------------------------------------------


def test_a_plain_get_of_the_root_still_leads_to_the_console(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/css/packages/"


def test_a_console_post_to_the_root_without_an_action_still_needs_the_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/", data={"a": "b"})

    assert response.status_code == 403


def test_the_api_needs_no_csrf_token_and_answers_json_exactly(key):
    response, answer = signed_post(Client(enforce_csrf_checks=True), key, "DescribeLivePackageInfo", {"PackageType": 0})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert answer["Response"]["TotalNum"] == 0
    assert answer["Response"]["RequestId"]


def test_an_api_answer_carries_every_security_header_a_console_page_has(client, key):
    page = client.get("/login/")

    response, _ = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert response[header] == page[header], header
    # The page's policy also allows its own inline stylesheets, by hash; the API's has none to allow.
    assert response["Content-Security-Policy"] == re.sub(r" 'sha256-[^']+'", "", page["Content-Security-Policy"])


def test_an_api_request_opens_no_session_and_sets_no_cookie(client, key):
    response, _ = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_api_answers_at_the_presenters_clock_in_demo_mode(client, key, demo_mode):
    package = PackageFactory(owner=key.member.account, expires_at=clock.now() + timedelta(days=2))
    clock.set_offset(timedelta(days=3))

    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    assert [(entry["Id"], entry["Status"]) for entry in answer["Response"]["LivePackageInfoList"]] == [(package.code, 2)]


# --- action, version, parameters ---------------------------------------------------------------------


def test_an_unknown_action_is_invalid_action(client, key):
    response, answer = signed_post(client, key, "DescribeLiveStreams", {})

    assert (response.status_code, error_code(answer)) == (200, "InvalidAction")


def test_an_action_of_another_service_is_invalid_action(client, key):
    _, answer = signed_post(client, key, "DescribeAccountBalance", {}, service="live")

    assert error_code(answer) == "InvalidAction"


def test_a_wrong_version_is_no_such_version(client, key):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0}, version="2017-03-12")

    assert error_code(answer) == "NoSuchVersion"


def test_a_missing_required_parameter_is_missing_parameter(client, key):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {})

    assert error_code(answer) == "MissingParameter"
    assert "PackageType" in answer["Response"]["Error"]["Message"]


def test_an_unknown_parameter_is_unknown_parameter(client, key):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0, "Limit": 10})

    assert error_code(answer) == "UnknownParameter"


def test_a_parameter_of_the_wrong_type_is_invalid_parameter(client, key):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": "0"})

    assert error_code(answer) == "InvalidParameter"


@pytest.mark.parametrize(
    "params",
    [
        {"PackageType": 3},
        {"PackageType": 0, "OrderBy": "Newest"},
        {"PackageType": 2, "OrderBy": "ExpireTimeAsc"},
        {"PackageType": 0, "PageNum": 1, "PageSize": 9},
        {"PackageType": 0, "PageNum": 1, "PageSize": 101},
        {"PackageType": 0, "PageNum": 0, "PageSize": 10},
    ],
)
def test_values_outside_the_documented_ones_are_invalid_parameter_value(client, key, params):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", params)

    assert error_code(answer) == "InvalidParameterValue"


def test_a_body_that_is_not_a_json_object_is_invalid_parameter(client, key):
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", body=b"[1, 2]")

    assert error_code(answer) == "InvalidParameter"


@pytest.mark.parametrize(
    "changes",
    [
        {"ProductCode": "p_cvm"},
        {"ClientToken": "x" * 65},
        {"ClientToken": "jeton-\u00e9t\u00e9"},
        {"ClientToken": ""},
        {"SubProductCode": " "},
        {"RegionCode": ""},
    ],
)
def test_refund_parameters_outside_the_documented_values_change_nothing(client, key, refundable, changes):
    _, answer = signed_post(client, key, "RefundInstance", refund_params(**changes), service="billing")

    assert error_code(answer) == "InvalidParameterValue"
    assert not Refund.objects.exists()


def test_a_refund_without_its_region_code_is_missing_parameter(client, key, refundable):
    _, answer = signed_post(client, key, "RefundInstance", refund_params(RegionCode=None), service="billing")

    assert error_code(answer) == "MissingParameter"
    assert not Refund.objects.exists()


def test_a_refund_of_a_package_reclaimed_by_a_repossession_is_refused_with_the_policys_reason(client, key):
    PackageFactory(owner=key.member.account, code="lvpkg-disp0001", reclaimed_at=clock.now() - timedelta(minutes=5))

    _, answer = signed_post(client, key, "RefundInstance", refund_params(), service="billing")

    assert error_code(answer) == "FailedOperation.PackageReclaimed"
    assert "已被回收" in answer["Response"]["Error"]["Message"]  # the API answers in Chinese by default
    assert not Refund.objects.exists()


def test_a_client_token_reused_for_another_instance_is_refused(client, key, refundable):
    PackageFactory(owner=key.member.account, code="lvpkg-disp0002")
    signed_post(client, key, "RefundInstance", refund_params(), service="billing")

    _, answer = signed_post(client, key, "RefundInstance", refund_params(InstanceId="lvpkg-disp0002"), service="billing")

    assert error_code(answer) == "InvalidParameterValue"
    assert "ClientToken" in answer["Response"]["Error"]["Message"]
    assert Refund.objects.count() == 1


def test_two_accounts_using_the_same_client_token_each_get_their_own_refund(client, key, refundable):
    other = ApiKeyFactory(member=MemberFactory())
    PackageFactory(owner=other.member.account, code="lvpkg-disp0009")

    _, mine = signed_post(client, key, "RefundInstance", refund_params(ClientToken="shared"), service="billing")
    _, theirs = signed_post(
        client, other, "RefundInstance", refund_params(ClientToken="shared", InstanceId="lvpkg-disp0009"), service="billing"
    )

    assert mine["Response"]["OrderIdList"] != theirs["Response"]["OrderIdList"]
    assert Refund.objects.count() == 2


# --- size, rate, repeats ---------------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_request_size_limit_exceeded(client, key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"PackageType": 0, "OrderBy": "x" * 200}).encode()

    response, answer = signed_post(client, key, "DescribeLivePackageInfo", body=body)

    assert (response.status_code, error_code(answer)) == (200, "RequestSizeLimitExceeded")


def test_a_three_megabyte_body_is_answered_by_the_api_not_the_request_guard(client, key):
    body = json.dumps({"PackageType": 0, "OrderBy": "x" * (3 * 1024 * 1024)}).encode()

    response, answer = signed_post(client, key, "DescribeLivePackageInfo", body=body)

    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert error_code(answer) == "RequestSizeLimitExceeded"


def test_requests_over_the_keys_rate_limit_are_request_limit_exceeded(client, key, settings, refundable):
    settings.API_RATE_LIMIT = "2/m"
    for token in ("a", "b"):
        signed_post(client, key, "RefundInstance", refund_params(ClientToken=token, InstanceId="lvpkg-none"), service="billing")

    _, answer = signed_post(client, key, "RefundInstance", refund_params(ClientToken="c"), service="billing")

    assert error_code(answer) == "RequestLimitExceeded"
    assert not Refund.objects.exists()


def test_the_rate_limit_counts_each_key_apart(client, key, settings):
    settings.API_RATE_LIMIT = "1/m"
    other = ApiKeyFactory(member=key.member)
    signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    _, answer = signed_post(client, other, "DescribeLivePackageInfo", {"PackageType": 0})

    assert error_code(answer) is None


def test_the_same_signed_request_twice_in_one_second_is_answered_both_times(client, key, refundable):
    timestamp = int(__import__("time").time())
    _, first = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0}, timestamp=timestamp)

    _, again = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0}, timestamp=timestamp)

    assert error_code(again) is None
    assert again["Response"]["TotalNum"] == first["Response"]["TotalNum"] == 1


def test_two_actions_with_the_same_body_in_one_second_are_both_answered(client, key, refundable):
    timestamp = int(__import__("time").time())
    signed_post(client, key, "DescribeAccountBalance", {}, service="billing", timestamp=timestamp)

    _, answer = signed_post(client, key, "DescribeAccountBalance", {}, service="billing", timestamp=timestamp)

    assert error_code(answer) is None


def test_a_signature_over_another_body_is_a_signature_failure(client, key, refundable):
    _, answer = signed_post(client, key, "RefundInstance", refund_params(), service="billing", secret_key="not-the-key")

    assert error_code(answer) == "AuthFailure.SignatureFailure"
    assert not Refund.objects.exists()


# --- what goes wrong inside -------------------------------------------------------------------------


def test_an_unexpected_error_is_internal_error_with_a_logged_traceback(client, key, monkeypatch, caplog):
    action = actions.ACTIONS[("live", "DescribeLivePackageInfo")]

    def broken(caller, params):
        raise RuntimeError("the database fell over")

    monkeypatch.setitem(actions.ACTIONS, ("live", "DescribeLivePackageInfo"), _replace(action, handler=broken))

    with caplog.at_level(logging.ERROR, logger="console.api"):
        response, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    assert (response.status_code, error_code(answer)) == (200, "InternalError")
    assert "the database fell over" not in answer["Response"]["Error"]["Message"]
    assert any(record.exc_info and "the database fell over" in str(record.exc_info[1]) for record in caplog.records)


def test_a_console_refusal_an_action_did_not_translate_is_mapped_by_its_kind(client, key, monkeypatch):
    action = actions.ACTIONS[("live", "DescribeLivePackageInfo")]

    def refusing(caller, params):
        raise PermissionRefused("Not you.")

    monkeypatch.setitem(actions.ACTIONS, ("live", "DescribeLivePackageInfo"), _replace(action, handler=refusing))

    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    assert (error_code(answer), answer["Response"]["Error"]["Message"]) == ("UnauthorizedOperation", "Not you.")


def _replace(action, **changes):
    from dataclasses import replace

    return replace(action, **changes)


def test_api_errors_carry_tencents_envelope_and_a_request_id(client, key):
    _, answer = signed_post(client, key, "Nope", {})

    assert set(answer["Response"]) == {"Error", "RequestId"}
    assert set(answer["Response"]["Error"]) == {"Code", "Message"}
    assert isinstance(ApiError("InvalidAction").message, str)


# --- times --------------------------------------------------------------------------------------


def test_buy_and_expire_times_are_written_in_the_billing_time_zone(client, key, settings):
    settings.BILLING_TIME_ZONE = "America/New_York"
    bought = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    PackageFactory(owner=key.member.account, purchased_at=bought, expires_at=bought + timedelta(days=365))

    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})

    (info,) = answer["Response"]["LivePackageInfoList"]
    assert (info["BuyTime"], info["ExpireTime"]) == ("2026-07-01 08:00:00", "2027-07-01 08:00:00")
