"""Requests to the API through Django's test client, signed as the SDK signs them
(`console.api.signature.authorization_header`), for the checks the SDK cannot be made to break."""

from __future__ import annotations

import json
import time
from typing import Any

from console.api.signature import authorization_header

HOST = "testserver"
VERSIONS = {"live": "2018-08-01", "billing": "2018-07-09"}


def signed_post(
    client,
    key,
    action: str,
    params: dict[str, Any] | None = None,
    *,
    service: str = "live",
    version: str | None = None,
    body: bytes | None = None,
    timestamp: int | None = None,
    secret_key: str | None = None,
    extra: dict[str, str] | None = None,
):
    """POST / as the SDK would send it; answers (response, parsed JSON body)."""
    raw = body if body is not None else json.dumps(params or {}).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json", "Host": HOST}
    authorization = authorization_header(
        secret_id=key.secret_id,
        secret_key=secret_key or key.secret_key,
        service=service,
        timestamp=timestamp,
        headers=headers,
        body=raw,
    )
    meta = {
        "HTTP_HOST": HOST,
        "HTTP_X_TC_ACTION": action,
        "HTTP_X_TC_VERSION": version or VERSIONS.get(service, "2018-08-01"),
        "HTTP_X_TC_TIMESTAMP": str(timestamp),
        "HTTP_X_TC_LANGUAGE": "zh-CN",
        "HTTP_AUTHORIZATION": authorization,
    }
    for name, value in (extra or {}).items():
        meta["HTTP_" + name.upper().replace("-", "_")] = value
    response = client.post("/", data=raw, content_type="application/json", **meta)
    return response, json.loads(response.content)


def error_code(answer: dict[str, Any]) -> str | None:
    return answer["Response"].get("Error", {}).get("Code")
