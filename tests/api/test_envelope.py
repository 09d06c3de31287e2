"""Request validation and answer envelopes, checked against what the official SDK sends and reads."""

from __future__ import annotations

import json
import uuid

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from console.api import envelope, signature
from console.api.errors import ApiError, ErrorCode
from tests.api.sdk_wire import SECRET_ID, SECRET_KEY, SentRequest, describe_live_package_info

JSON = "application/json"


def parse(sent: SentRequest, *, method="POST", headers=None, body=None) -> envelope.ApiRequest:
    return envelope.parse_api_request(
        method=method,
        headers=sent.headers if headers is None else headers,
        body=sent.body if body is None else body,
    )


def refusal(sent: SentRequest, **changes) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse(sent, **changes)
    return caught.value


def without(sent: SentRequest, name: str):
    headers = sent.with_headers({})
    del headers[name]
    return headers


def tiny_server(sent: SentRequest) -> tuple[bytes, str]:
    """What a view will do: validate, authenticate, answer; every refusal in an envelope."""
    request_id = envelope.new_request_id()
    try:
        request = envelope.parse_api_request(method=sent.method, headers=sent.headers, body=sent.body)
        signature.verify_request(
            method=sent.method,
            headers=sent.headers,
            body=sent.body,
            secret_lookup={SECRET_ID: SECRET_KEY}.get,
            now=sent.timestamp,
        )
        body = envelope.success_body({"TotalNum": 0, "Echo": request.params}, request_id=request_id)
    except ApiError as error:
        body = envelope.error_body(error, request_id=request_id)
    return envelope.encode(body), envelope.RESPONSE_CONTENT_TYPE


# Answers


def test_a_success_body_wraps_the_fields_and_the_request_id_in_response():
    body = envelope.success_body({"TotalNum": 2}, request_id="r-1")

    assert body == {"Response": {"TotalNum": 2, "RequestId": "r-1"}}


def test_an_error_body_carries_code_message_and_request_id():
    body = envelope.error_body(ApiError(ErrorCode.INVALID_ACTION, "No such action."), request_id="r-2")

    assert body == {
        "Response": {"Error": {"Code": "InvalidAction", "Message": "No such action."}, "RequestId": "r-2"}
    }


def test_a_success_body_refuses_an_error_field():
    with pytest.raises(ValueError):
        envelope.success_body({"Error": {}}, request_id="r-3")


def test_request_ids_are_fresh_uuid4s():
    first, second = envelope.new_request_id(), envelope.new_request_id()

    assert uuid.UUID(first).version == 4
    assert first != second


def test_encoded_answers_are_utf8_json_that_keeps_chinese_readable():
    encoded = envelope.encode({"Response": {"Message": "签名过期", "RequestId": "r"}})

    assert "签名过期".encode() in encoded
    assert json.loads(encoded) == {"Response": {"Message": "签名过期", "RequestId": "r"}}


def test_the_sdk_reads_a_success_answer(wire):
    wire.answer = tiny_server

    response = describe_live_package_info()

    assert response.TotalNum == 0
    assert uuid.UUID(response.RequestId).version == 4


def test_the_sdk_raises_the_error_code_of_an_error_answer(wire):
    wire.answer = tiny_server

    with pytest.raises(TencentCloudSDKException) as caught:
        describe_live_package_info(secret_key="not-the-key")

    assert caught.value.get_code() == "AuthFailure.SignatureFailure"
    assert caught.value.get_request_id()


def test_the_sdk_overlooks_an_error_answered_with_a_charset_so_the_content_type_has_none(wire):
    # Why RESPONSE_CONTENT_TYPE is bare "application/json": the SDK only checks that exact type.
    error = envelope.encode(envelope.error_body(ApiError(ErrorCode.INTERNAL_ERROR), request_id="r"))
    wire.answer = lambda sent: (error, "application/json; charset=utf-8")

    response = describe_live_package_info()

    assert response.TotalNum is None
    assert envelope.RESPONSE_CONTENT_TYPE == "application/json"


# Requests


def test_the_sdks_request_gives_action_version_language_and_parameters(sdk_request):
    request = parse(sdk_request)

    assert request == envelope.ApiRequest(
        action="DescribeLivePackageInfo",
        version="2018-08-01",
        language="zh-CN",
        params={"PackageType": 0, "OrderBy": "BuyTimeDesc"},
        region=None,
    )


def test_the_language_defaults_to_chinese_as_the_sdk_sends(sdk_request):
    assert parse(sdk_request, headers=without(sdk_request, "X-TC-Language")).language == "zh-CN"


def test_english_is_accepted(sdk_request):
    headers = sdk_request.with_headers({"X-TC-Language": "en-US"})

    assert parse(sdk_request, headers=headers).language == "en-US"


def test_another_language_is_an_invalid_parameter_value(sdk_request):
    error = refusal(sdk_request, headers=sdk_request.with_headers({"X-TC-Language": "fr-FR"}))

    assert error.code == ErrorCode.INVALID_PARAMETER_VALUE


def test_a_region_is_kept_when_sent(sdk_request):
    headers = sdk_request.with_headers({"X-TC-Region": "ap-guangzhou"})

    assert parse(sdk_request, headers=headers).region == "ap-guangzhou"


def test_a_put_is_an_unsupported_operation(sdk_request):
    assert refusal(sdk_request, method="PUT").code == ErrorCode.UNSUPPORTED_OPERATION


def test_a_signed_get_takes_its_parameters_from_the_query_string(sdk_request):
    request = envelope.parse_api_request(
        method="GET", headers=sdk_request.headers, body=b"", query="PackageType=0&PageNum=2&OrderBy=BuyTimeAsc"
    )

    assert request.params == {"PackageType": "0", "PageNum": "2", "OrderBy": "BuyTimeAsc"}
    assert request.form_encoded and request.v1_fields is None


def test_a_query_string_naming_a_parameter_twice_is_an_invalid_parameter(sdk_request):
    with pytest.raises(ApiError) as caught:
        envelope.parse_api_request(method="GET", headers=sdk_request.headers, body=b"", query="PageNum=1&PageNum=2")

    assert caught.value.code == ErrorCode.INVALID_PARAMETER


def test_a_v1_form_keeps_its_common_parameters_apart_from_the_actions():
    body = b"Action=DescribeAccountBalance&Version=2018-07-09&Nonce=7&Timestamp=1&SecretId=AKID&Signature=x&TempCredit=True"

    request = envelope.parse_api_request(
        method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body
    )

    assert (request.action, request.version, request.params) == ("DescribeAccountBalance", "2018-07-09", {"TempCredit": "True"})
    assert request.v1_fields["Nonce"] == "7"


def test_json_with_a_utf8_charset_is_accepted(sdk_request):
    headers = sdk_request.with_headers({"Content-Type": "application/json; charset=UTF-8"})

    assert parse(sdk_request, headers=headers).action == "DescribeLivePackageInfo"


def test_a_form_encoded_body_is_an_unsupported_operation(sdk_request):
    headers = sdk_request.with_headers({"Content-Type": "application/x-www-form-urlencoded"})

    assert refusal(sdk_request, headers=headers).code == ErrorCode.UNSUPPORTED_OPERATION


def test_json_in_another_charset_is_an_invalid_parameter(sdk_request):
    headers = sdk_request.with_headers({"Content-Type": "application/json; charset=latin-1"})

    assert refusal(sdk_request, headers=headers).code == ErrorCode.INVALID_PARAMETER


def test_a_missing_content_type_is_a_missing_parameter(sdk_request):
    error = refusal(sdk_request, headers=without(sdk_request, "Content-Type"))

    assert error.code == ErrorCode.MISSING_PARAMETER


def test_a_missing_action_is_a_missing_parameter_named_action(sdk_request):
    error = refusal(sdk_request, headers=without(sdk_request, "X-TC-Action"))

    assert error.code == ErrorCode.MISSING_PARAMETER
    assert "`Action`" in error.message


def test_a_missing_version_is_a_missing_parameter_named_version(sdk_request):
    error = refusal(sdk_request, headers=without(sdk_request, "X-TC-Version"))

    assert error.code == ErrorCode.MISSING_PARAMETER
    assert "`Version`" in error.message


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'"text"', b'{"PageSize": NaN}', b'{"Name": "\xff"}'],
    ids=["empty", "not-json", "array", "string", "nan", "not-utf8"],
)
def test_a_body_that_is_not_a_json_object_is_an_invalid_parameter(sdk_request, body):
    assert refusal(sdk_request, body=body).code == ErrorCode.INVALID_PARAMETER


def test_a_body_over_ten_megabytes_is_a_request_size_limit_exceeded(sdk_request):
    body = b'{"Pad": "' + b"x" * envelope.MAX_BODY_BYTES + b'"}'

    assert refusal(sdk_request, body=body).code == ErrorCode.REQUEST_SIZE_LIMIT_EXCEEDED


# Telling API requests from console requests


def test_a_post_to_the_root_with_an_action_is_an_api_request(sdk_request):
    assert envelope.is_api_request("POST", JSON, sdk_request.headers)


def test_a_json_post_to_the_root_without_an_action_is_an_api_request():
    assert envelope.is_api_request("POST", "application/json; charset=utf-8", {})


def test_a_console_form_post_is_not_an_api_request():
    assert not envelope.is_api_request("POST", "application/x-www-form-urlencoded", {"X-CSRFToken": "t"})


def test_a_browsers_get_of_the_root_is_not_an_api_request():
    assert not envelope.is_api_request("GET", None, {"Accept": "text/html"})


def test_a_get_with_an_action_header_is_an_api_request(sdk_request):
    assert envelope.is_api_request("GET", "application/x-www-form-urlencoded", sdk_request.headers)


def test_a_get_naming_an_action_in_its_query_string_is_an_api_request():
    assert envelope.is_api_request("GET", None, {}, query="Action=DescribeAccountBalance&Nonce=1")


def test_a_form_post_naming_an_action_is_an_api_request():
    assert envelope.is_api_request(
        "POST", "application/x-www-form-urlencoded", {}, body=b"Nonce=1&Action=DescribeAccountBalance"
    )


def test_a_post_elsewhere_than_the_root_is_not_an_api_request(sdk_request):
    assert not envelope.is_api_request("POST", JSON, sdk_request.headers, path="/packages/")
