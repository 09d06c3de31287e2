"""Verifying the signature of a Tencent Cloud API 3.0 request: TC3-HMAC-SHA256, and the older
signature v1 (HmacSHA1, HmacSHA256) the SDKs send with ``ClientProfile(signMethod=...)``.

Pure functions over the request's method, headers (any mapping; names are matched
case-insensitively) and raw body bytes; the caller supplies ``now`` and a way to find a secret key.

    auth = verify_request(method=..., headers=..., body=..., secret_lookup=keys.get, now=now)

or in two steps, when finding the key needs the parsed credential first:

    auth = parse_authorization(headers.get("Authorization"))
    timestamp = check_timestamp(headers, now=now)
    check_signature(auth, timestamp=timestamp, secret_key=..., method=..., headers=..., body=...)

Pass the ``Host`` header exactly as the client sent it (Django: ``request.headers["Host"]``, not
``request.get_host()``, which may prefer ``X-Forwarded-Host``) and the body bytes unparsed.

Choices where Tencent's documentation leaves the behaviour open (not confirmed against the real
service):

- Header values are lower-cased as well as trimmed before signing, as Tencent's signature
  documentation says ("头部 key 和 value 统一转成小写") and its examples do (``x-tc-action:
  describeinstances``). The official SDKs sign only ``content-type`` and ``host``, whose values are
  lower case already unless an endpoint is written with capitals.
- SignedHeaders must be lower case, sorted and without repeats, include ``content-type`` and
  ``host``, and name headers the request carries; otherwise ``AuthFailure.InvalidAuthorization``.
- A missing ``X-TC-Timestamp`` is ``MissingParameter`` and one that is not a non-negative integer
  is ``InvalidParameter``, as Tencent treats its other common parameters.
- More than 300 s either side of ``now`` is ``AuthFailure.SignatureExpire`` (300 s still passes).
  It is checked before the secret is looked up, so stale requests cost no key lookup.
- A credential date other than the UTC date of the timestamp is ``AuthFailure.SignatureFailure``:
  the client computed its signature from the wrong date.
- ``X-TC-Content-SHA256: UNSIGNED-PAYLOAD`` (the SDK's ``unsignedPayload`` option) is refused with
  ``UnsupportedOperation``: the body moves money, so it must be signed.
- A missing ``Authorization`` header is ``AuthFailure.InvalidAuthorization``.
- A signature is not remembered: two identical calls in one second carry the same signature and
  both are answered, as Tencent Cloud answers them. The 5-minute window bounds replays, and
  ``ClientToken`` makes a repeated ``RefundInstance`` safe.
- ``GET`` signs the raw query string as the canonical query string and the hash of an empty body.

Signature v1 (``verify_v1_request``): the common parameters travel with the others in the query
string (GET) or the form body (POST). The string to sign is the method, the ``Host`` header, the
path and ``?``, then every parameter but ``Signature`` as ``name=value`` (the decoded value, ``_``
in names read as ``.``), sorted by name and joined by ``&``; ``Signature`` is its Base64 HMAC with
the SecretKey, by ``SignatureMethod`` (``HmacSHA1`` when absent). The SDK's
``tencentcloud/common/abstract_client.py`` (``_format_sign_string``) is the reference. ``Nonce`` must
be a positive integer; that it is not repeated is the caller's check (``console.api.views``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils.translation import gettext

from console.api.envelope import required_field
from console.api.errors import ApiError, ErrorCode, missing_parameter

ALGORITHM = "TC3-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 300
REQUIRED_SIGNED_HEADERS = frozenset({"content-type", "host"})
CANONICAL_URI = "/"
V1_METHODS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}
V1_DEFAULT_METHOD = "HmacSHA1"

_AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256\s+"
    r"Credential=(?P<secret_id>[^/\s,]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z0-9-]+)"
    r"/tc3_request\s*,\s*"
    r"SignedHeaders=(?P<signed_headers>[a-z0-9-]+(?:;[a-z0-9-]+)*)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]{64})"
)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_NONCE = re.compile(r"[1-9][0-9]{0,19}")


@dataclass(frozen=True)
class Authorization:
    """The parts of a well-formed ``Authorization`` header."""

    secret_id: str
    date: str  # YYYY-MM-DD, the UTC date of X-TC-Timestamp
    service: str  # the product: "live", "billing"
    signed_headers: tuple[str, ...]
    signature: str  # lower-case hex

    @property
    def credential_scope(self) -> str:
        return f"{self.date}/{self.service}/tc3_request"


def parse_authorization(value: str | None) -> Authorization:
    """Parse ``TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..,
    Signature=HEX``; anything else is ``AuthFailure.InvalidAuthorization``."""
    if not value:
        raise _invalid_authorization(gettext("the header is missing"))
    match = _AUTHORIZATION.fullmatch(value.strip())
    if match is None:
        raise _invalid_authorization(
            gettext("expected `%(algorithm)s Credential=.., SignedHeaders=.., Signature=..`") % {"algorithm": ALGORITHM}
        )
    try:
        date.fromisoformat(match["date"])
    except ValueError:
        raise _invalid_authorization(gettext("`Date` in Credential is not a date")) from None
    signed_headers = tuple(match["signed_headers"].split(";"))
    if list(signed_headers) != sorted(set(signed_headers)):
        raise _invalid_authorization(gettext("`SignedHeaders` must be sorted and without repeats"))
    missing = REQUIRED_SIGNED_HEADERS.difference(signed_headers)
    if missing:
        raise _invalid_authorization(
            gettext("`SignedHeaders` must include %(headers)s") % {"headers": ", ".join(sorted(missing))}
        )
    return Authorization(
        secret_id=match["secret_id"],
        date=match["date"],
        service=match["service"],
        signed_headers=signed_headers,
        signature=match["signature"].lower(),
    )


def check_timestamp(headers: Mapping[str, str], *, now: int) -> int:
    """X-TC-Timestamp as an integer, refused when more than 300 s away from ``now``."""
    return timestamp_within_window(_lower_keys(headers).get("x-tc-timestamp"), now=now)


def timestamp_within_window(raw: str | None, *, now: int) -> int:
    """A ``Timestamp`` value as an integer, refused when more than 300 s away from ``now``."""
    if raw is None or not raw.strip():
        raise missing_parameter("Timestamp")
    if not _TIMESTAMP.fullmatch(raw.strip()):
        raise ApiError(
            ErrorCode.INVALID_PARAMETER,
            gettext("The parameter `Timestamp` must be an integer number of seconds since the Unix epoch."),
        )
    timestamp = int(raw)
    if abs(now - timestamp) > MAX_CLOCK_SKEW_SECONDS:
        raise ApiError(
            ErrorCode.AUTH_FAILURE_SIGNATURE_EXPIRE,
            gettext(
                "Signature expired: Timestamp %(timestamp)s differs from the server time %(now)s "
                "by more than %(skew)s seconds. Please check your local clock."
            ) % {"timestamp": timestamp, "now": now, "skew": MAX_CLOCK_SKEW_SECONDS},
        )
    return timestamp


def canonical_request(
    *, method: str, headers: Mapping[str, str], signed_headers: tuple[str, ...], body: bytes, query: str = ""
) -> str:
    """Method, URI ``/``, the raw query string (GET; empty for POST), ``name:value\\n`` per signed
    header, the signed header list and the hex SHA-256 of the body, joined by newlines."""
    lowered = _lower_keys(headers)
    lines = []
    for name in signed_headers:
        if name not in lowered:
            raise _invalid_authorization(gettext("the signed header `%(name)s` is not in the request") % {"name": name})
        lines.append(f"{name}:{lowered[name].strip().lower()}\n")
    return "\n".join(
        [
            method.upper(),
            CANONICAL_URI,
            query,
            "".join(lines),
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )


def string_to_sign(*, timestamp: str | int, credential_scope: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return "\n".join([ALGORITHM, str(timestamp), credential_scope, digest])


def signing_key(secret_key: str, *, date: str, service: str) -> bytes:
    """HMAC-SHA256 chain: ``"TC3" + SecretKey`` over DATE, then SERVICE, then ``tc3_request``."""
    key = ("TC3" + secret_key).encode("utf-8")
    for part in (date, service, "tc3_request"):
        key = _hmac(key, part)
    return key


def compute_signature(secret_key: str, *, date: str, service: str, string_to_sign: str) -> str:
    return _hmac(signing_key(secret_key, date=date, service=service), string_to_sign).hex()


def check_signature(
    auth: Authorization,
    *,
    timestamp: int,
    secret_key: str,
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    query: str = "",
) -> None:
    """Recompute the signature and compare in constant time; ``AuthFailure.SignatureFailure``
    when it differs or the credential date is not the timestamp's UTC date."""
    if auth.date != utc_date(timestamp):
        raise ApiError(
            ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE,
            gettext("`Date` in Credential (%(date)s) must be the UTC date of Timestamp (%(utc_date)s).")
            % {"date": auth.date, "utc_date": utc_date(timestamp)},
        )
    if _lower_keys(headers).get("x-tc-content-sha256", "").strip().upper() == "UNSIGNED-PAYLOAD":
        raise ApiError(
            ErrorCode.UNSUPPORTED_OPERATION,
            gettext("Unsigned payloads are not accepted: sign the request body."),
        )
    expected = compute_signature(
        secret_key,
        date=auth.date,
        service=auth.service,
        string_to_sign=string_to_sign(
            timestamp=timestamp,
            credential_scope=auth.credential_scope,
            canonical_request=canonical_request(
                method=method, headers=headers, signed_headers=auth.signed_headers, body=body, query=query
            ),
        ),
    )
    if not hmac.compare_digest(expected, auth.signature):
        raise ApiError(ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE)


def verify_request(
    *,
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    secret_lookup: Callable[[str], str | None],
    now: int,
    service: str | None = None,
    query: str = "",
) -> Authorization:
    """Authenticate a request; return its credential (``secret_id`` says who called) or raise.

    Order: Authorization format, service, timestamp window, SecretId, signature. ``service``,
    when given, is the product this endpoint answers for (``AuthFailure.InvalidAuthorization``
    if the credential names another).
    """
    auth = parse_authorization(_lower_keys(headers).get("authorization"))
    if service is not None and auth.service != service:
        raise _invalid_authorization(gettext("`Service` in Credential must be `%(service)s`") % {"service": service})
    timestamp = check_timestamp(headers, now=now)
    secret_key = secret_lookup(auth.secret_id)
    if secret_key is None:
        raise ApiError(ErrorCode.AUTH_FAILURE_SECRET_ID_NOT_FOUND)
    check_signature(
        auth, timestamp=timestamp, secret_key=secret_key, method=method, headers=headers, body=body, query=query
    )
    return auth


def authorization_header(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    timestamp: int,
    headers: Mapping[str, str],
    body: bytes,
    signed_headers: tuple[str, ...] = ("content-type", "host"),
    method: str = "POST",
    query: str = "",
) -> str:
    """The ``Authorization`` value a client sends: for tests and tools that sign without the SDK."""
    day = utc_date(timestamp)
    scope = f"{day}/{service}/tc3_request"
    to_sign = string_to_sign(
        timestamp=timestamp,
        credential_scope=scope,
        canonical_request=canonical_request(
            method=method, headers=headers, signed_headers=signed_headers, body=body, query=query
        ),
    )
    signature = compute_signature(secret_key, date=day, service=service, string_to_sign=to_sign)
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={';'.join(signed_headers)}, Signature={signature}"
    )


@dataclass(frozen=True)
class V1Credential:
    """Who signed a v1 request, and its Nonce (to be refused when repeated)."""

    secret_id: str
    nonce: str


def v1_string_to_sign(*, method: str, host: str, path: str, fields: Mapping[str, str]) -> str:
    """``METHOD HOST PATH ?`` and the sorted ``name=value`` pairs of every field but Signature."""
    pairs = sorted((name.replace("_", "."), value) for name, value in fields.items() if name != "Signature")
    return f"{method.upper()}{host}{path}?" + "&".join(f"{name}={value}" for name, value in pairs)


def v1_signature(secret_key: str, *, signature_method: str, string_to_sign: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), V1_METHODS[signature_method])
    return base64.b64encode(digest.digest()).decode("ascii")


def verify_v1_request(
    *,
    method: str,
    host: str,
    path: str,
    fields: Mapping[str, str],
    secret_lookup: Callable[[str], str | None],
    now: int,
) -> V1Credential:
    """Authenticate a v1 request from its fields (query string or form, decoded); return who
    signed it or raise. Order: the common parameters, the timestamp window, SecretId, signature."""
    secret_id = required_field(fields, "SecretId")
    signature_method = fields.get("SignatureMethod") or V1_DEFAULT_METHOD
    if signature_method not in V1_METHODS:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `SignatureMethod` must be one of %(methods)s.") % {"methods": ", ".join(V1_METHODS)},
        )
    nonce = required_field(fields, "Nonce")
    if not _NONCE.fullmatch(nonce):
        raise ApiError(ErrorCode.INVALID_PARAMETER, gettext("The parameter `Nonce` must be a positive integer."))
    signature = required_field(fields, "Signature")
    timestamp_within_window(required_field(fields, "Timestamp"), now=now)
    secret_key = secret_lookup(secret_id)
    if secret_key is None:
        raise ApiError(ErrorCode.AUTH_FAILURE_SECRET_ID_NOT_FOUND)
    expected = v1_signature(
        secret_key,
        signature_method=signature_method,
        string_to_sign=v1_string_to_sign(method=method, host=host, path=path, fields=fields),
    )
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
        raise ApiError(ErrorCode.AUTH_FAILURE_SIGNATURE_FAILURE)
    return V1Credential(secret_id=secret_id, nonce=nonce)


def utc_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _invalid_authorization(detail: str) -> ApiError:
    return ApiError(
        ErrorCode.AUTH_FAILURE_INVALID_AUTHORIZATION,
        gettext("The `Authorization` header does not conform to the %(algorithm)s format: %(detail)s.")
        % {"algorithm": ALGORITHM, "detail": detail},
    )
