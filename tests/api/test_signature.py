"""TC3-HMAC-SHA256 verification against requests signed by the official SDK itself."""

from __future__ import annotations

import json

import pytest
from django.http.request import HttpHeaders
from tencentcloud.common.sign import Sign

from console.api import signature
from console.api.errors import ApiError, ErrorCode
from tests.api.sdk_wire import ENDPOINT, SECRET_ID, SECRET_KEY, SentRequest, describe_live_package_info


def verify(sent: SentRequest, *, headers=None, body=None, now=None, keys=None, service=None):
    return signature.verify_request(
        method=sent.method,
        headers=sent.headers if headers is None else headers,
        body=sent.body if body is None else body,
        secret_lookup=({SECRET_ID: SECRET_KEY} if keys is None else keys).get,
        now=sent.timestamp if now is None else now,
        service=service,
    )


def refusal(sent: SentRequest, **changes) -> ApiError:
    with pytest.raises(ApiError) as caught:
        verify(sent, **changes)
    return caught.value


def with_authorization(sent: SentRequest, value: str):
    return sent.with_headers({"Authorization": value})


# The SDK's request as it is


def test_the_sdk_sends_a_signed_post_to_the_configured_endpoint(sdk_request):
    assert sdk_request.method == "POST"
    assert sdk_request.url == f"http://{ENDPOINT}/"
    assert sdk_request.headers["Host"] == ENDPOINT
    assert sdk_request.headers["X-TC-Action"] == "DescribeLivePackageInfo"
    assert sdk_request.headers["Authorization"].startswith(f"TC3-HMAC-SHA256 Credential={SECRET_ID}/")


def test_a_request_signed_by_the_official_sdk_is_accepted(sdk_request):
    auth = verify(sdk_request)

    assert (auth.secret_id, auth.service) == (SECRET_ID, "live")


def test_headers_arriving_through_django_are_accepted(sdk_request):
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in sdk_request.headers.items()}
    meta["CONTENT_TYPE"] = meta.pop("HTTP_CONTENT_TYPE")

    assert verify(sdk_request, headers=HttpHeaders(meta)).secret_id == SECRET_ID


def test_a_request_signed_as_tencents_documentation_shows_is_accepted():
    # The worked example of Tencent's "Signature v3" page, signature and all.
    headers = {
        "Authorization": "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        "Content-Type": "application/json; charset=utf-8",
        "Host": "cvm.tencentcloudapi.com",
        "X-TC-Action": "DescribeInstances",
        "X-TC-Timestamp": "1551113065",
        "X-TC-Version": "2017-03-12",
        "X-TC-Region": "ap-guangzhou",
    }
    body = rb'{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}'

    auth = signature.verify_request(
        method="POST",
        headers=headers,
        body=body,
        secret_lookup={"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE": "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"}.get,
        now=1551113065,
    )

    assert auth.credential_scope == "2019-02-25/cvm/tc3_request"


def test_a_signed_action_header_is_compared_in_lower_case_as_tencent_documents(sdk_request):
    # Tencent's samples sign "x-tc-action:describeinstances" and send "DescribeInstances".
    headers = sdk_request.with_headers({})
    headers["Authorization"] = signature.authorization_header(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        service="live",
        timestamp=sdk_request.timestamp,
        headers={**headers, "X-TC-Action": "describelivepackageinfo"},
        body=sdk_request.body,
        signed_headers=("content-type", "host", "x-tc-action"),
    )

    assert verify(sdk_request, headers=headers).signed_headers == ("content-type", "host", "x-tc-action")


# Our signer and the SDK's


def test_our_authorization_header_is_the_one_the_sdk_sends(sdk_request):
    ours = signature.authorization_header(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        service="live",
        timestamp=sdk_request.timestamp,
        headers=sdk_request.headers,
        body=sdk_request.body,
    )

    assert ours == sdk_request.headers["Authorization"]


def test_our_key_chain_signs_as_the_sdks_sign_tc3():
    to_sign = "TC3-HMAC-SHA256\n1700000000\n2023-11-14/live/tc3_request\n" + "0" * 64

    ours = signature.compute_signature(SECRET_KEY, date="2023-11-14", service="live", string_to_sign=to_sign)

    assert ours == Sign.sign_tc3(SECRET_KEY, "2023-11-14", "live", to_sign)


# Refusals


def test_a_wrong_secret_key_is_a_signature_failure(sdk_request):
    error = refusal(sdk_request, keys={SECRET_ID: "not-the-key"})

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE


def test_an_unknown_secret_id_is_secret_id_not_found(sdk_request):
    error = refusal(sdk_request, keys={})

    assert error.code == ErrorCode.AUTH_FAILURE_SECRET_ID_NOT_FOUND


def test_a_tampered_body_is_a_signature_failure(sdk_request):
    params = json.loads(sdk_request.body)
    params["PackageType"] = 1

    error = refusal(sdk_request, body=json.dumps(params).encode())

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE


def test_a_changed_host_is_a_signature_failure(sdk_request):
    error = refusal(sdk_request, headers=sdk_request.with_headers({"Host": "elsewhere:8000"}))

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE


def test_a_changed_content_type_is_a_signature_failure(sdk_request):
    changed = sdk_request.with_headers({"Content-Type": "application/json; charset=utf-8"})

    assert refusal(sdk_request, headers=changed).code == ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE


def test_a_timestamp_301_seconds_old_is_expired(sdk_request):
    error = refusal(sdk_request, now=sdk_request.timestamp + 301)

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE


def test_a_timestamp_300_seconds_old_still_passes(sdk_request):
    assert verify(sdk_request, now=sdk_request.timestamp + 300).secret_id == SECRET_ID


def test_a_timestamp_301_seconds_ahead_is_expired(sdk_request):
    error = refusal(sdk_request, now=sdk_request.timestamp - 301)

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE


def test_an_expired_request_is_refused_before_its_secret_id_is_looked_up(sdk_request):
    error = refusal(sdk_request, keys={}, now=sdk_request.timestamp + 301)

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE


def test_a_timestamp_that_is_not_an_integer_is_an_invalid_parameter(sdk_request):
    headers = sdk_request.with_headers({"X-TC-Timestamp": "2023-11-14T00:00:00Z"})

    assert refusal(sdk_request, headers=headers).code == ErrorCode.INVALID_PARAMETER


def test_a_missing_timestamp_is_a_missing_parameter(sdk_request):
    headers = sdk_request.with_headers({})
    del headers["X-TC-Timestamp"]

    assert refusal(sdk_request, headers=headers).code == ErrorCode.MISSING_PARAMETER


SCOPE = "AKID/2023-11-14/live/tc3_request"
HEX = "a" * 64


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer abc",
        f"HmacSHA256 Credential={SCOPE}, SignedHeaders=content-type;host, Signature={HEX}",
        f"TC3-HMAC-SHA256 Credential=AKID/2023-11-14/live, SignedHeaders=content-type;host, "
        f"Signature={HEX}",
        f"TC3-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=content-type;host",
        f"TC3-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=content-type;host, Signature=abc",
        f"TC3-HMAC-SHA256 Credential=AKID/2023-13-45/live/tc3_request, SignedHeaders=content-type;host, "
        f"Signature={HEX}",
    ],
    ids=["empty", "bearer", "signature-v1", "short-scope", "no-signature", "short-signature", "bad-date"],
)
def test_a_malformed_authorization_is_invalid_authorization(sdk_request, authorization):
    error = refusal(sdk_request, headers=with_authorization(sdk_request, authorization))

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_a_missing_authorization_is_invalid_authorization(sdk_request):
    headers = sdk_request.with_headers({})
    del headers["Authorization"]

    assert refusal(sdk_request, headers=headers).code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_signed_headers_without_content_type_are_refused(sdk_request):
    tampered = sdk_request.headers["Authorization"].replace("=content-type;host", "=host")

    error = refusal(sdk_request, headers=with_authorization(sdk_request, tampered))

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION
    assert "content-type" in error.message


def test_signed_headers_without_host_are_refused(sdk_request):
    tampered = sdk_request.headers["Authorization"].replace("content-type;host", "content-type")

    error = refusal(sdk_request, headers=with_authorization(sdk_request, tampered))

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_unsorted_signed_headers_are_refused(sdk_request):
    tampered = sdk_request.headers["Authorization"].replace("content-type;host", "host;content-type")

    error = refusal(sdk_request, headers=with_authorization(sdk_request, tampered))

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_a_signed_header_the_request_lacks_is_invalid_authorization(sdk_request):
    tampered = sdk_request.headers["Authorization"].replace("content-type;host", "content-type;host;x-tc-foo")

    error = refusal(sdk_request, headers=with_authorization(sdk_request, tampered))

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_a_credential_date_other_than_the_timestamps_utc_date_is_a_signature_failure(sdk_request):
    # Signed consistently, but with the day after the timestamp's UTC date.
    day = sdk_request.timestamp + 86_400
    wrong_day = signature.utc_date(day)
    auth = signature.parse_authorization(sdk_request.headers["Authorization"])
    to_sign = signature.string_to_sign(
        timestamp=sdk_request.timestamp,
        credential_scope=f"{wrong_day}/live/tc3_request",
        canonical_request=signature.canonical_request(
            method="POST",
            headers=sdk_request.headers,
            signed_headers=auth.signed_headers,
            body=sdk_request.body,
        ),
    )
    forged = signature.compute_signature(SECRET_KEY, date=wrong_day, service="live", string_to_sign=to_sign)
    value = (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{wrong_day}/live/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={forged}"
    )

    error = refusal(sdk_request, headers=with_authorization(sdk_request, value))

    assert error.code == ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE


def test_a_credential_for_another_service_is_invalid_authorization_when_one_is_expected(sdk_request):
    error = refusal(sdk_request, service="billing")

    assert error.code == ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION


def test_an_unsigned_payload_is_refused(wire):
    describe_live_package_info(unsigned_payload=True)
    (sent,) = wire.sent

    error = refusal(sent)

    assert error.code == ErrorCode.UNSUPPORTED_OPERATION
