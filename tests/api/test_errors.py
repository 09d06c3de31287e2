"""The error vocabulary: the common codes of the reference, each with a default message."""

from __future__ import annotations

import pytest

from console.api.errors import ApiError, ErrorCode

REFERENCE_CODES = {
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.SignatureFailure",
    "AuthFailure.SignatureExpire",
    "AuthFailure.InvalidAuthorization",
    "AuthFailure.UnauthorizedOperation",
    "UnauthorizedOperation",
    "InvalidAction",
    "InvalidParameter",
    "InvalidParameterValue",
    "MissingParameter",
    "UnknownParameter",
    "RequestLimitExceeded",
    "RequestSizeLimitExceeded",
    "ResourceNotFound",
    "FailedOperation",
    "InternalError",
    "UnsupportedOperation",
    "NoSuchVersion",
}


def test_the_catalogue_holds_exactly_the_common_codes_of_the_reference():
    assert {str(code) for code in ErrorCode} == REFERENCE_CODES


def test_every_common_code_has_a_default_message():
    assert all(code.default_message for code in ErrorCode)


def test_an_error_without_a_message_takes_the_catalogues():
    error = ApiError(ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE)

    assert error.code == "AuthFailure.SignatureExpire"
    assert error.message == ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE.default_message


def test_a_sub_code_takes_the_message_of_its_common_code():
    error = ApiError("InvalidParameterValue.PageSize")

    assert error.message == ErrorCode.INVALID_PARAMETER_VALUE.default_message


def test_a_code_outside_the_catalogue_needs_its_own_message():
    with pytest.raises(ValueError):
        ApiError("SomethingElse")
