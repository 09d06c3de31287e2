"""The API answers in X-TC-Language: zh-CN in Simplified Chinese (also when the header is absent,
the protocol's default and what the SDKs send), en-US in English. Codes never change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import get_language

from tests.api.signed import error_code, signed_post
from tests.factories import ApiKeyFactory, DeductionFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db

def has_chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.fixture
def key():
    return ApiKeyFactory(member=MemberFactory())


def message(answer) -> str:
    return answer["Response"]["Error"]["Message"]


def refund_params(code: str, token: str = "token-1") -> dict:
    return {
        "ClientToken": token, "ProductCode": "p_live", "SubProductCode": "sp_live_package",
        "InstanceId": code, "RegionCode": "ap-guangzhou",
    }


def language(value: str | None) -> dict:
    return {"X-TC-Language": value} if value is not None else {}


@pytest.mark.parametrize(
    ("header", "expected"),
    [("zh-CN", "签名验证失败"), ("en-US", "could not be validated")],
)
def test_a_signature_failure_is_explained_in_the_requested_language(key, header, expected):
    _, answer = signed_post(
        Client(), key, "DescribeLivePackageInfo", {"PackageType": 0}, secret_key="wrong" * 8, extra=language(header)
    )

    assert error_code(answer) == "AuthFailure.SignatureFailure"
    assert expected in message(answer)


@pytest.mark.parametrize(("header", "chinese"), [("zh-CN", True), ("en-US", False)])
def test_an_expired_timestamp_is_explained_in_the_requested_language(key, header, chinese):
    _, answer = signed_post(
        Client(), key, "DescribeLivePackageInfo", {"PackageType": 0}, timestamp=1_000_000_000, extra=language(header)
    )

    assert error_code(answer) == "AuthFailure.SignatureExpire"
    assert has_chinese(message(answer)) is chinese


@pytest.mark.parametrize(("header", "chinese"), [("zh-CN", True), ("en-US", False)])
def test_a_malformed_authorization_is_explained_in_the_requested_language(key, header, chinese):
    _, answer = signed_post(
        Client(), key, "DescribeLivePackageInfo", {"PackageType": 0},
        extra={"Authorization": "Basic abc", **language(header)},
    )

    assert error_code(answer) == "AuthFailure.InvalidAuthorization"
    assert has_chinese(message(answer)) is chinese


def test_an_unknown_secret_id_is_explained_in_chinese_with_zh_cn(key):
    key.secret_id = "AKIDnobody"
    _, answer = signed_post(Client(), key, "DescribeLivePackageInfo", {"PackageType": 0}, extra=language("zh-CN"))

    assert error_code(answer) == "AuthFailure.SecretIdNotFound"
    assert message(answer) == "密钥 SecretId 不存在，或已被禁用或删除。"


def test_without_x_tc_language_the_api_answers_in_chinese_as_the_protocol_defaults(key):
    _, answer = signed_post(Client(), key, "NoSuchAction", {}, extra={"X-TC-Language": ""})

    assert error_code(answer) == "InvalidAction"
    assert has_chinese(message(answer))


def test_a_language_the_api_does_not_speak_is_refused_in_english(key):
    _, answer = signed_post(Client(), key, "DescribeLivePackageInfo", {"PackageType": 0}, extra=language("fr-FR"))

    assert error_code(answer) == "InvalidParameterValue"
    assert message(answer) == "The parameter `Language` must be one of zh-CN, en-US."


def test_a_refund_refused_by_the_policy_gives_every_reason_in_chinese(key):
    DeductionFactory(package=PackageFactory(owner=key.member.account, code="lvpkg-lang0001"))

    _, answer = signed_post(
        Client(), key, "RefundInstance", refund_params("lvpkg-lang0001"), service="billing", extra=language("zh-CN")
    )

    assert error_code(answer) == "FailedOperation.Used"
    assert "该资源包已使用" in message(answer)


def test_a_refusal_for_a_sub_user_without_permission_reads_in_english_with_en_us(key):
    from console.accounts.models import MemberRole

    sub_user = MemberFactory(account=key.member.account, role=MemberRole.SUB_USER)
    sub_key = ApiKeyFactory(member=sub_user)

    _, answer = signed_post(
        Client(), sub_key, "DescribeLivePackageInfo", {"PackageType": 0}, extra=language("en-US")
    )

    assert error_code(answer) == "UnauthorizedOperation"
    assert message(answer).startswith("You are not authorized to perform `live:DescribeLivePackageInfo`")


def test_the_same_refusal_reads_in_chinese_with_zh_cn(key):
    from console.accounts.models import MemberRole

    sub_key = ApiKeyFactory(member=MemberFactory(account=key.member.account, role=MemberRole.SUB_USER))

    _, answer = signed_post(
        Client(), sub_key, "DescribeLivePackageInfo", {"PackageType": 0}, extra=language("zh-CN")
    )

    assert error_code(answer) == "UnauthorizedOperation"
    assert message(answer).startswith("您无权执行 `live:DescribeLivePackageInfo`")


def test_the_api_leaves_the_language_as_it_found_it(key):
    signed_post(Client(), key, "DescribeLivePackageInfo", {"PackageType": 0}, extra=language("zh-CN"))

    assert get_language() == "en"
