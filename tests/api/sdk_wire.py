"""The official Tencent Cloud SDK, driven for real with its HTTP transport replaced.

`requests.adapters.HTTPAdapter.send` is the last step before the socket: the ``wire`` fixture
patches it with `FakeWire.send`, which hands the tests the exact method, URL, headers and body
bytes the SDK would put on the wire (its own TC3 signature included) and lets a test choose the
bytes the SDK reads back. Nothing is sent anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import requests
from requests.structures import CaseInsensitiveDict
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client, models

SECRET_ID = "AKIDconsoletest0000000000000000000000"
SECRET_KEY = "consoletestsecretkey0000000000000"
ENDPOINT = "testserver:8000"
_EMPTY_ANSWER = {"Response": {"RequestId": "00000000-0000-4000-8000-000000000000"}}


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: CaseInsensitiveDict
    body: bytes

    @property
    def timestamp(self) -> int:
        return int(self.headers["X-TC-Timestamp"])

    def with_headers(self, changes: dict[str, str]) -> CaseInsensitiveDict:
        headers = CaseInsensitiveDict(self.headers)
        headers.update(changes)
        return headers


class FakeWire:
    """Records what the SDK sends; answers with ``answer(sent) -> (body bytes, content type)``."""

    def __init__(self) -> None:
        self.sent: list[SentRequest] = []
        self.answer: Callable[[SentRequest], tuple[bytes, str]] = lambda sent: (
            json.dumps(_EMPTY_ANSWER).encode(),
            "application/json",
        )

    def send(self, prepared: requests.PreparedRequest, **kwargs) -> requests.Response:
        body = prepared.body or b""
        sent = SentRequest(
            method=prepared.method,
            url=prepared.url,
            headers=CaseInsensitiveDict(prepared.headers),
            body=body.encode("utf-8") if isinstance(body, str) else body,
        )
        self.sent.append(sent)
        content, content_type = self.answer(sent)
        response = requests.Response()
        response.status_code = 200
        response.headers = CaseInsensitiveDict({"Content-Type": content_type})
        response._content = content
        response.url = prepared.url
        response.request = prepared
        return response


def live_client_for(
    *, secret_key: str = SECRET_KEY, unsigned_payload: bool = False
) -> live_client.LiveClient:
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=ENDPOINT))
    profile.unsignedPayload = unsigned_payload
    return live_client.LiveClient(credential.Credential(SECRET_ID, secret_key), "", profile)


def describe_live_package_info(**client_options) -> models.DescribeLivePackageInfoResponse:
    request = models.DescribeLivePackageInfoRequest()
    request.PackageType = 0
    request.OrderBy = "BuyTimeDesc"
    return live_client_for(**client_options).DescribeLivePackageInfo(request)
