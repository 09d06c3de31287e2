"""The API's one endpoint, `/`, answered in Tencent's envelopes.

`console.api.middleware.ApiMiddleware` sends API requests (`is_api_request`) to `api`, so a
browser's `GET /` still goes to the console's page while the official SDKs, pointed at the
console with `HttpProfile(protocol="http", endpoint="HOST:PORT")`, reach `api`: TC3-HMAC-SHA256
over POST (JSON) or GET (query string), and signature v1 (HmacSHA1, HmacSHA256) over POST (form)
or GET.

A request goes through, in this order (the first failure answers, and nothing is changed):

1. the body is read (over `DATA_UPLOAD_MAX_MEMORY_SIZE`, 1 MB by default, or over 10 MB:
   `RequestSizeLimitExceeded`, without reading it);
2. the protocol: method, Content-Type, action, version, language, the parameters
   (`console.api.envelope.parse_api_request`);
3. the signature (`console.api.signature`): TC3's Authorization header, or v1's common
   parameters; the timestamp within 5 minutes of the server's real time (not the demo clock: the
   SDK signs with real time); the SecretId of an enabled key (`AuthFailure.SecretIdNotFound` for an
   unknown, disabled or deleted one); the signature itself. A TC3 signature may be presented again
   within its window, as Tencent Cloud allows: a polling loop or threads sign identical requests in
   one second. A v1 `Nonce` is taken once per SecretId within the window
   (`AuthFailure.SignatureExpire` when repeated), remembered in the default cache: if the cache
   fails, the nonce goes unchecked (logged), as the window still bounds it;
4. the action: the signed service (TC3) and the action name it, or the action and version (v1)
   (`InvalidAction`); the version must be its service's (`NoSuchVersion`);
5. the rate limit per SecretId and action, `settings.API_RATE_LIMIT`
   (`console.core.rate_limits`, failing open): `RequestLimitExceeded`;
6. CAM: `console.accounts.permissions.api_action_allowed` (`UnauthorizedOperation`);
7. the parameters (`UnknownParameter`, `MissingParameter`, `InvalidParameter`, out of range
   `InvalidParameterValue`), then the action, which checks values (`InvalidParameterValue`) and
   answers.

Every answer is HTTP 200 with `Content-Type: application/json` exactly (the SDK reads errors
only then). A service refusal that an action did not translate is mapped by its kind; anything
unexpected is logged with its traceback and answered `InternalError`, never a 500.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from console.accounts.api_keys import ActiveKey, active_key, api_key_mark_used
from console.accounts.permissions import api_action_allowed
from console.api import envelope, signature
from console.api.actions import Action, action_lookup, params_check
from console.api.caller import Caller
from console.api.errors import ApiError, ErrorCode
from console.core.errors import Conflict, InvalidRequest, NotFound, PermissionRefused, RateLimited, ServiceError
from console.core.rate_limits import counted_over_limit, rate_limit_exceeded

logger = logging.getLogger("console.api")

# A timestamp passes for 300 s either side of the server's time, so a v1 Nonce can be presented
# for 600 s; it is remembered a little longer.
NONCE_WINDOW_SECONDS = 2 * signature.MAX_CLOCK_SKEW_SECONDS + 60


def signature_now() -> int:
    """The server's time for the signature's timestamp window: real time, as the SDK signs."""
    return int(time.time())


def is_api_request(request: HttpRequest) -> bool:
    """Whether `request` is for the API (`GET` or `POST /` naming an action, or a JSON POST) rather
    than for the console's page at `/` (`envelope.is_api_request`). Every request asks this (the
    API's middleware), so any other path is answered before the headers are looked at."""
    return request.path_info == "/" and envelope.is_api_request(
        request.method,
        request.headers.get("Content-Type"),
        request.headers,
        path=request.path_info,
        query=request.META.get("QUERY_STRING", ""),
        body=_body_or_none(request),
    )


def _body_or_none(request: HttpRequest) -> bytes | None:
    """The body of a form POST (a v1 request names its action there), None for any other request
    or one over the size limit (which the API refuses in its own terms)."""
    if request.method != "POST" or envelope.FORM_CONTENT_TYPE not in (request.headers.get("Content-Type") or ""):
        return None
    try:
        return request.body
    except RequestDataTooBig:
        return None


# X-TC-Language, as the console's languages: the API answers in it (messages only; codes never change).
API_LANGUAGES = {"zh-CN": "zh-hans", "en-US": "en"}


def api_language(header: str | None) -> str:
    """The console language for an X-TC-Language value: zh-CN (also when absent, the protocol's
    default and what the SDKs send) is Simplified Chinese, en-US English; anything else (which is
    refused as InvalidParameterValue) is answered in English."""
    return API_LANGUAGES.get((header or envelope.DEFAULT_LANGUAGE).strip(), "en")


def api(request: HttpRequest) -> HttpResponse:
    with translation.override(api_language(_language_asked(request))):
        return _api(request)


def _language_asked(request: HttpRequest) -> str | None:
    """X-TC-Language (TC3), or the `Language` field of a v1 request's query string or form."""
    if "X-TC-Language" in request.headers:
        return request.headers["X-TC-Language"]
    fields = parse_qs(request.META.get("QUERY_STRING", ""))
    if not fields.get("Language"):
        fields = parse_qs((_body_or_none(request) or b"").decode("ascii", errors="replace"))
    return (fields.get("Language") or [None])[0]


def _api(request: HttpRequest) -> HttpResponse:
    request_id = envelope.new_request_id()
    try:
        body = envelope.success_body(_answer(request, request_id), request_id=request_id)
    except ApiError as error:
        body = envelope.error_body(error, request_id=request_id)
    except ServiceError as error:
        body = envelope.error_body(service_error_to_api(error), request_id=request_id)
    except Exception:
        logger.exception("API request %s failed", request_id)
        body = envelope.error_body(ApiError(ErrorCode.INTERNAL_ERROR), request_id=request_id)
    return HttpResponse(
        envelope.encode(body), content_type=envelope.RESPONSE_CONTENT_TYPE, status=envelope.HTTP_STATUS
    )


def _answer(request: HttpRequest, request_id: str) -> dict:
    try:
        raw_body = request.body
    except RequestDataTooBig:
        raise ApiError(
            ErrorCode.REQUEST_SIZE_LIMIT_EXCEEDED,
            _("The request body exceeds the size limit of %(bytes)s bytes.") % {"bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        ) from None
    headers = request.headers
    query = request.META.get("QUERY_STRING", "")
    parsed = envelope.parse_api_request(method=request.method, headers=headers, body=raw_body, query=query)

    found: dict[str, ActiveKey] = {}

    def secret_lookup(secret_id: str) -> str | None:
        key = active_key(secret_id)
        if key is None:
            return None
        found["key"] = key
        return key.secret_key

    if parsed.v1_fields is None:
        auth = signature.verify_request(
            method=request.method, headers=headers, body=raw_body, query=query,
            secret_lookup=secret_lookup, now=signature_now(),
        )
        secret_id, service = auth.secret_id, auth.service
    else:
        credential = signature.verify_v1_request(
            method=request.method, host=headers.get("Host", ""), path=request.path_info,
            fields=parsed.v1_fields, secret_lookup=secret_lookup, now=signature_now(),
        )
        _refuse_repeated_nonce(credential)
        secret_id, service = credential.secret_id, None
    key = found["key"]
    action = action_lookup(service=service, action=parsed.action, version=parsed.version)
    _refuse_over_limit(request, secret_id, action)
    api_key_mark_used(key.key)
    if not api_action_allowed(key.member, action.cam_action):
        raise ApiError(
            ErrorCode.UNAUTHORIZED_OPERATION,
            _("You are not authorized to perform `%(action)s`: ask the account owner to attach a policy that allows it.")
            % {"action": action.cam_action},
        )
    params = params_check(action, parsed.params, form_encoded=parsed.form_encoded)
    caller = Caller(member=key.member, key=key.key, request_id=request_id, language=parsed.language)
    return action.handler(caller, params)


def _refuse_repeated_nonce(credential: signature.V1Credential) -> None:
    try:
        first_time = cache.add(f"api:v1-nonce:{credential.secret_id}:{credential.nonce}", 1, timeout=NONCE_WINDOW_SECONDS)
    except Exception:
        logger.warning("v1 Nonce not checked: the cache failed; the timestamp window still bounds it.", exc_info=True)
        return
    if not first_time:
        raise ApiError(
            ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE,
            _("This Nonce was already used within the last %(minutes)s minutes: sign the request again with a new Nonce.")
            % {"minutes": NONCE_WINDOW_SECONDS // 60},
        )


def _refuse_over_limit(request: HttpRequest, secret_id: str, action: Action) -> None:
    if action.reads_only:
        # A read writes nothing: its counter lives in a cache that is not the database (Redis in
        # production; without CACHE_URL, this process's memory: settings.API_READ_RATE_LIMIT_CACHE).
        over = counted_over_limit(
            cache_alias=settings.API_READ_RATE_LIMIT_CACHE, group=f"api:{action.name}", key=secret_id,
            rate=settings.API_RATE_LIMIT,
        )
    else:
        over = rate_limit_exceeded(
            request, group=f"api:{action.name}", key=lambda group, request: secret_id, rate=settings.API_RATE_LIMIT,
        )
    if over:
        raise ApiError(
            ErrorCode.REQUEST_LIMIT_EXCEEDED,
            _("The number of requests exceeds the frequency limit (%(rate)s per SecretId for %(action)s).")
            % {"rate": settings.API_RATE_LIMIT, "action": action.name},
        )


def service_error_to_api(error: ServiceError) -> ApiError:
    """A console refusal an action did not translate itself, by its kind."""
    for kind, code in (
        (PermissionRefused, ErrorCode.UNAUTHORIZED_OPERATION),
        (NotFound, ErrorCode.RESOURCE_NOT_FOUND),
        (InvalidRequest, ErrorCode.INVALID_PARAMETER_VALUE),
        (RateLimited, ErrorCode.REQUEST_LIMIT_EXCEEDED),
        (Conflict, ErrorCode.FAILED_OPERATION),
    ):
        if isinstance(error, kind):
            return ApiError(code, error.message)
    return ApiError(ErrorCode.FAILED_OPERATION, error.message)
