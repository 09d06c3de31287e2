"""Tencent Cloud API 3.0 envelopes: what a request must look like, what an answer looks like.

Answers are ``{"Response": {...fields..., "RequestId": id}}`` and errors
``{"Response": {"Error": {"Code": .., "Message": ..}, "RequestId": id}}``, both with HTTP 200.
Send them with ``Content-Type: application/json`` exactly (`RESPONSE_CONTENT_TYPE`): the Python
SDK looks for errors only when the content type is ``application/json`` or ``text/plain``, so
``application/json; charset=utf-8`` would make it read an error as an empty success.

Choices where Tencent's behaviour is not documented (not confirmed against the real service):

- Only ``POST`` is served (Tencent also takes ``GET`` with a query string): anything else is
  ``UnsupportedOperation``.
- ``Content-Type`` must be ``application/json``, optionally with ``charset=utf-8``; another media
  type (the form encoding of signature v1, multipart) is ``UnsupportedOperation``, another charset
  ``InvalidParameter``, none at all ``MissingParameter``.
- A missing ``X-TC-Action`` or ``X-TC-Version`` is ``MissingParameter`` ("The request is missing a
  required parameter `Action`", Tencent's wording for its common parameters). Whether the action
  and version exist is the dispatcher's question (``InvalidAction``, ``NoSuchVersion``).
- ``X-TC-Language`` may be ``zh-CN`` or ``en-US``, default ``zh-CN`` as the Python SDK sends;
  anything else is ``InvalidParameterValue``. Messages are English for now whatever the language;
  the parsed language is kept so translations can follow.
- The body must be UTF-8 JSON whose top level is an object; an empty body, invalid JSON, ``NaN``
  or a top-level array are all ``InvalidParameter``. Over 10 MB (Tencent's limit for
  TC3-HMAC-SHA256 POST) is ``RequestSizeLimitExceeded``; note Django refuses bodies over
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB by default) with ``RequestDataTooBig`` before this
  check, which the view should answer as ``RequestSizeLimitExceeded`` too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


from django.utils.translation import gettext

from console.api.errors import ApiError, ErrorCode

HTTP_STATUS = 200  # Tencent answers errors with 200 too; the code is in the body
RESPONSE_CONTENT_TYPE = "application/json"
LANGUAGES = ("zh-CN", "en-US")
DEFAULT_LANGUAGE = "zh-CN"
MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ApiRequest:
    """The protocol-level facts of a well-formed request (the signature is checked separately)."""

    action: str
    version: str
    language: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str | None = None


def new_request_id() -> str:
    return str(uuid.uuid4())


def success_body(fields: Mapping[str, Any], *, request_id: str) -> dict[str, Any]:
    """``{"Response": {**fields, "RequestId": request_id}}``."""
    if "Error" in fields or "RequestId" in fields:
        raise ValueError("a success answer carries neither `Error` nor its own `RequestId`")
    return {"Response": {**fields, "RequestId": request_id}}


def error_body(error: ApiError, *, request_id: str) -> dict[str, Any]:
    """``{"Response": {"Error": {"Code", "Message"}, "RequestId": request_id}}``."""
    return {"Response": {"Error": {"Code": error.code, "Message": error.message}, "RequestId": request_id}}


def encode(body: Mapping[str, Any]) -> bytes:
    """The bytes to send (UTF-8 JSON), with `RESPONSE_CONTENT_TYPE` and `HTTP_STATUS`."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def is_api_request(
    method: str, content_type: str | None, headers: Mapping[str, str], *, path: str = "/"
) -> bool:
    """Whether a request is meant for the API rather than the console's pages: ``POST /`` that
    carries ``X-TC-Action`` or a JSON body. A JSON POST without the action still counts, so it
    is answered with ``MissingParameter`` in an envelope instead of a console page."""
    if method.upper() != "POST" or path != "/":
        return False
    has_action = any(name.lower() == "x-tc-action" for name in headers)
    return has_action or _media_type(content_type) == "application/json"


def parse_api_request(*, method: str, headers: Mapping[str, str], body: bytes) -> ApiRequest:
    """Check the protocol-level rules of a request and return its action, version, language,
    region and parameters; raise `ApiError` on the first rule broken (in the order below)."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    if method.upper() != "POST":
        raise ApiError(
            ErrorCode.UNSUPPORTED_OPERATION,
            gettext("The request method %(method)s is not supported; use POST.") % {"method": method},
        )
    _check_content_type(lowered.get("content-type"))
    action = _required(lowered, "x-tc-action", "Action")
    version = _required(lowered, "x-tc-version", "Version")
    language = lowered.get("x-tc-language") or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `Language` must be one of %(languages)s.") % {"languages": ", ".join(LANGUAGES)},
        )
    return ApiRequest(
        action=action,
        version=version,
        language=language,
        params=parse_body(body),
        region=lowered.get("x-tc-region") or None,
    )


def parse_body(body: bytes) -> dict[str, Any]:
    """The request's parameters: a JSON object, UTF-8, at most `MAX_BODY_BYTES`."""
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(ErrorCode.REQUEST_SIZE_LIMIT_EXCEEDED)
    try:
        params = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("The request body is not valid UTF-8 JSON.")) from None
    if not isinstance(params, dict):
        raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("The request body must be a JSON object."))
    return params


def _check_content_type(content_type: str | None) -> None:
    if not content_type:
        raise ApiError(ErrorCode.MISSING_PARAMETER, gettext("The request is missing the `Content-Type` header."))
    if _media_type(content_type) != "application/json":
        raise ApiError(
            ErrorCode.UNSUPPORTED_OPERATION,
            gettext("Content-Type `%(type)s` is not supported; send application/json.") % {"type": content_type},
        )
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("The request body must be encoded in UTF-8."))


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _required(lowered: Mapping[str, str], header: str, parameter: str) -> str:
    value = lowered.get(header)
    if not value:
        raise ApiError(
            ErrorCode.MISSING_PARAMETER,
            gettext("The request is missing a required parameter `%(parameter)s`.") % {"parameter": parameter},
        )
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
