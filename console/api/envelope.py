"""Tencent Cloud API 3.0 envelopes: what a request must look like, what an answer looks like.

Answers are ``{"Response": {...fields..., "RequestId": id}}`` and errors
``{"Response": {"Error": {"Code": .., "Message": ..}, "RequestId": id}}``, both with HTTP 200.
Send them with ``Content-Type: application/json`` exactly (`RESPONSE_CONTENT_TYPE`): the Python
SDK looks for errors only when the content type is ``application/json`` or ``text/plain``, so
``application/json; charset=utf-8`` would make it read an error as an empty success.

Four forms of request are served, as the official SDKs send them:

- TC3-HMAC-SHA256 over ``POST`` with a JSON body (the SDKs' default) or over ``GET`` with the
  parameters in the query string, form-encoded (``HttpProfile(reqMethod="GET")``); the common
  parameters are ``X-TC-*`` headers;
- signature v1 (``ClientProfile(signMethod="HmacSHA1")`` or ``"HmacSHA256"``) over ``POST`` with a
  form body (``application/x-www-form-urlencoded``) or over ``GET``; the common parameters
  (``Action``, ``Version``, ``Language``, ``Region``, ``Timestamp``, ``Nonce``, ``SecretId``,
  ``SignatureMethod``, ``Signature``) travel with the others.

Form-encoded values are strings: each action's parameter list says what to convert them to
(``console.api.actions.params_check``). Choices where Tencent's behaviour is not documented (not
confirmed against the real service):

- Methods other than ``GET`` and ``POST`` are ``UnsupportedOperation``.
- A TC3 ``POST`` must be ``application/json``, optionally with ``charset=utf-8``; another media
  type (multipart) is ``UnsupportedOperation``, another charset ``InvalidParameter``, none at all
  ``MissingParameter``. A v1 ``POST`` is form-encoded.
- A missing action or version is ``MissingParameter`` ("The request is missing a required
  parameter `Action`", Tencent's wording for its common parameters). Whether the action and
  version exist is the dispatcher's question (``InvalidAction``, ``NoSuchVersion``).
- The language may be ``zh-CN`` or ``en-US``, default ``zh-CN`` as the Python SDK sends; anything
  else is ``InvalidParameterValue``.
- A JSON body must be UTF-8 whose top level is an object; an empty body, invalid JSON, ``NaN`` or
  a top-level array are all ``InvalidParameter``; so are a form or query string that is not UTF-8
  or that names a parameter twice. Over 10 MB (Tencent's limit for TC3-HMAC-SHA256 POST) is
  ``RequestSizeLimitExceeded``; note Django refuses bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  (2.5 MB by default) with ``RequestDataTooBig`` before this check, which the view answers as
  ``RequestSizeLimitExceeded`` too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.utils.translation import gettext

from console.api.errors import ApiError, ErrorCode, missing_parameter

HTTP_STATUS = 200  # Tencent answers errors with 200 too; the code is in the body
RESPONSE_CONTENT_TYPE = "application/json"
LANGUAGES = ("zh-CN", "en-US")
DEFAULT_LANGUAGE = "zh-CN"
MAX_BODY_BYTES = 10 * 1024 * 1024
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# The common parameters of a v1 request, sent among the action's own.
V1_COMMON = frozenset(
    {"Action", "Version", "Region", "Language", "Timestamp", "Nonce", "SecretId", "SignatureMethod",
     "Signature", "RequestClient", "Token"}
)


@dataclass(frozen=True)
class ApiRequest:
    """The protocol-level facts of a well-formed request (the signature is checked separately).

    ``v1_fields`` holds every field of a v1 request, what its signature covers; None for TC3.
    ``form_encoded``: the parameters are strings from a query string or form."""

    action: str
    version: str
    language: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str | None = None
    form_encoded: bool = False
    v1_fields: dict[str, str] | None = None


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
    method: str, content_type: str | None, headers: Mapping[str, str], *, path: str = "/", query: str = "",
    body: bytes | None = None,
) -> bool:
    """Whether a request is meant for the API rather than the console's pages: ``GET`` or
    ``POST /`` that carries ``X-TC-Action``, or an ``Action`` field in its query string or form
    body (v1), or a JSON body. A JSON POST without the action still counts, so it is answered with
    ``MissingParameter`` in an envelope instead of a console page. ``body`` is read only when the
    request is a form POST."""
    if method.upper() not in ("GET", "POST") or path != "/":
        return False
    if any(name.lower() == "x-tc-action" for name in headers) or _names_action(query):
        return True
    if method.upper() != "POST":
        return False
    media_type = _media_type(content_type)
    if media_type == FORM_CONTENT_TYPE and body is not None:
        return _names_action(body.decode("latin-1"))
    return media_type == "application/json"


def parse_api_request(*, method: str, headers: Mapping[str, str], body: bytes, query: str = "") -> ApiRequest:
    """Check the protocol-level rules of a request and return its action, version, language,
    region and parameters; raise `ApiError` on the first rule broken (in the order below)."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    method = method.upper()
    if method not in ("GET", "POST"):
        raise ApiError(
            ErrorCode.UNSUPPORTED_OPERATION,
            gettext("The request method %(method)s is not supported; use POST or GET.") % {"method": method},
        )
    signed_v1 = "authorization" not in lowered and "x-tc-action" not in lowered
    if signed_v1 and (method == "GET" or _media_type(lowered.get("content-type")) == FORM_CONTENT_TYPE):
        return _v1_request(body if method == "POST" else query.encode("utf-8"))
    if method == "POST":
        _check_content_type(lowered.get("content-type"))
        params, form_encoded = parse_body(body), False
    else:
        params, form_encoded = form_fields(query.encode("utf-8")), True
    return ApiRequest(
        action=required_field(lowered, "x-tc-action", "Action"),
        version=required_field(lowered, "x-tc-version", "Version"),
        language=_language(lowered.get("x-tc-language")),
        params=params,
        region=lowered.get("x-tc-region") or None,
        form_encoded=form_encoded,
    )


def form_fields(encoded: bytes) -> dict[str, str]:
    """A query string or form body as a dict; not UTF-8, or a name twice, is `InvalidParameter`."""
    if len(encoded) > MAX_BODY_BYTES:
        raise ApiError(ErrorCode.REQUEST_SIZE_LIMIT_EXCEEDED)
    try:
        pairs = parse_qsl(encoded.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("The request's parameters are not valid UTF-8.")) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("A parameter is named more than once."))
    return fields


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


def _v1_request(encoded: bytes) -> ApiRequest:
    fields = form_fields(encoded)
    return ApiRequest(
        action=required_field(fields, "Action"),
        version=required_field(fields, "Version"),
        language=_language(fields.get("Language")),
        params={name: value for name, value in fields.items() if name not in V1_COMMON},
        region=fields.get("Region") or None,
        form_encoded=True,
        v1_fields=fields,
    )


def _language(value: str | None) -> str:
    language = value or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `Language` must be one of %(languages)s.") % {"languages": ", ".join(LANGUAGES)},
        )
    return language


def _names_action(encoded: str) -> bool:
    return any(pair.split("=", 1)[0] == "Action" for pair in encoded.split("&"))


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


def required_field(fields: Mapping[str, str], name: str, parameter: str | None = None) -> str:
    """`fields[name]`, or `MissingParameter` naming `parameter` (default: `name`) when absent or empty."""
    value = fields.get(name)
    if not value:
        raise missing_parameter(parameter or name)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
