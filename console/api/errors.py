"""Tencent Cloud API 3.0 error vocabulary: the common codes and the one exception type.

Every refusal of the API is an `ApiError` carrying a Tencent code string and a message; the
envelope turns it into ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`` (HTTP 200,
as Tencent answers errors too). Product-specific sub-codes (``InvalidParameterValue.PageSize``,
``FailedOperation.Xxx``) are plain strings built on a common code; they need a message of their
own or inherit the default message of the common code before the first dot.

The messages are in the request's ``X-TC-Language`` (zh-CN or en-US): the view activates the
language and a message is turned into text when the error is made.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """The common error codes of Tencent Cloud API 3.0, each with its default message.

    The one home of these strings: compare and raise with the members, never with literals.
    """

    default_message: str

    def __new__(cls, code: str, default_message: str) -> ErrorCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.default_message = default_message
        return member

    AUTH_FAILURE_SECRET_ID_NOT_FOUND = (
        "AuthFailure.SecretIdNotFound",
        _("The SecretId does not exist, or it has been disabled or deleted."),
    )
    AUTH_FAILURE_SIGNATURE_FAILURE = (
        "AuthFailure.SignatureFailure",
        _("The provided credentials could not be validated. Please check your signature is correct."),
    )
    AUTH_FAILURE_SIGNATURE_EXPIRE = (
        "AuthFailure.SignatureExpire",
        _("Signature expired: the timestamp and the server time may differ by at most five minutes."),
    )
    AUTH_FAILURE_INVALID_AUTHORIZATION = (
        "AuthFailure.InvalidAuthorization",
        _("The `Authorization` header of the request does not conform to the TC3-HMAC-SHA256 format."),
    )
    AUTH_FAILURE_UNAUTHORIZED_OPERATION = (
        "AuthFailure.UnauthorizedOperation",
        _("The request is not authorized by CAM."),
    )
    UNAUTHORIZED_OPERATION = ("UnauthorizedOperation", _("Unauthorized operation."))
    INVALID_ACTION = ("InvalidAction", _("The action does not exist."))
    INVALID_PARAMETER = ("InvalidParameter", _("Incorrect parameter (format or type)."))
    INVALID_PARAMETER_VALUE = ("InvalidParameterValue", _("Invalid parameter value."))
    MISSING_PARAMETER = ("MissingParameter", _("A required parameter is missing."))
    UNKNOWN_PARAMETER = ("UnknownParameter", _("Unknown parameter."))
    REQUEST_LIMIT_EXCEEDED = (
        "RequestLimitExceeded",
        _("The number of requests exceeds the frequency limit."),
    )
    REQUEST_SIZE_LIMIT_EXCEEDED = (
        "RequestSizeLimitExceeded",
        _("The request body exceeds the size limit."),
    )
    RESOURCE_NOT_FOUND = ("ResourceNotFound", _("The resource does not exist."))
    FAILED_OPERATION = ("FailedOperation", _("Operation failed."))
    INTERNAL_ERROR = ("InternalError", _("Internal error."))
    UNSUPPORTED_OPERATION = ("UnsupportedOperation", _("Unsupported operation."))
    NO_SUCH_VERSION = ("NoSuchVersion", _("The API version does not exist."))


class ApiError(Exception):
    """A refusal answered with a Tencent error code and message.

    ``ApiError(ErrorCode.INVALID_ACTION)`` uses the catalogue's message;
    ``ApiError("InvalidParameterValue.PageSize", "...")`` is a sub-code with its own message.
    """

    def __init__(self, code: ErrorCode | str, message: str | None = None) -> None:
        self.code: str = str(code)
        self.message: str = str(message if message is not None else default_message(self.code))
        super().__init__(f"[{self.code}] {self.message}")


def missing_parameter(name: str) -> ApiError:
    """`MissingParameter`, in Tencent's wording, for a parameter of the action or a common one."""
    return ApiError(
        ErrorCode.MISSING_PARAMETER,
        gettext("The request is missing a required parameter `%(parameter)s`.") % {"parameter": name},
    )


def default_message(code: str) -> str:
    """The catalogue message of ``code``, or of its common code (the part before the first dot)."""
    for candidate in (code, code.partition(".")[0]):
        try:
            return ErrorCode(candidate).default_message
        except ValueError:
            continue
    raise ValueError(f"{code!r} is not a common Tencent error code; give the ApiError a message")
