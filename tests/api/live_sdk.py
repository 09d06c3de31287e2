"""The official Tencent Cloud SDKs (tencentcloud-sdk-python-live and -billing) pointed at Django's
live server, as a customer's script points them at the console:
`HttpProfile(protocol="http", endpoint="HOST:PORT")`.

`SdkClock` replaces the SDK's clock (only the SDK's: the server keeps real time) so that each call
is signed with its own second, one second after the last, or, `frozen`, every call in one second,
as a fast polling loop signs them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from tencentcloud.billing.v20180709 import billing_client
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client
from tencentcloud.live.v20180801 import models as live_models


class SdkClock:
    """Stands in for the `time` module inside the SDK: `time()` is real time plus `offset`, plus
    one second more at each call."""

    def __init__(self) -> None:
        self.offset = 0
        self._ticks = itertools.count(1)
        self.frozen: int | None = None

    def time(self) -> float:
        if self.frozen is not None:
            return float(self.frozen)
        return time.time() + self.offset + next(self._ticks)

    def __getattr__(self, name):
        return getattr(time, name)


@dataclass(frozen=True)
class Key:
    secret_id: str
    secret_key: str


def endpoint_of(live_server) -> str:
    return urlsplit(live_server.url).netloc


def _profile(live_server, *, method: str = "POST", sign: str = "TC3-HMAC-SHA256", language: str = "en-US") -> ClientProfile:
    # The SDK retries nothing unless given a retryer, so each call here is one request.
    # English messages (X-TC-Language: en-US): these tests read them; the SDK's default is zh-CN,
    # answered in Chinese (tests/i18n/test_api_language.py).
    return ClientProfile(
        signMethod=sign,
        language=language,
        httpProfile=HttpProfile(protocol="http", endpoint=endpoint_of(live_server), reqMethod=method),
    )


def live(live_server, key: Key, **profile) -> live_client.LiveClient:
    """`profile`: `method` (POST, GET), `sign` (TC3-HMAC-SHA256, HmacSHA1, HmacSHA256), `language`."""
    return live_client.LiveClient(
        credential.Credential(key.secret_id, key.secret_key), "", _profile(live_server, **profile)
    )


def billing(live_server, key: Key, **profile) -> billing_client.BillingClient:
    return billing_client.BillingClient(
        credential.Credential(key.secret_id, key.secret_key), "", _profile(live_server, **profile)
    )


def list_packages(live_server, key: Key, *, via: dict | None = None, **fields) -> live_models.DescribeLivePackageInfoResponse:
    """`via`: the client's profile options (see `live`)."""
    request = live_models.DescribeLivePackageInfoRequest()
    request.PackageType = 0
    for name, value in fields.items():
        setattr(request, name, value)
    return live(live_server, key, **(via or {})).DescribeLivePackageInfo(request)


def balances(live_server, key: Key, *, via: dict | None = None) -> billing_models.DescribeAccountBalanceResponse:
    return billing(live_server, key, **(via or {})).DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest())


def refund_request(instance_id: str, client_token: str, **fields) -> billing_models.RefundInstanceRequest:
    """RefundInstance of a CSS package, as a script sends it; `fields` override the defaults."""
    request = billing_models.RefundInstanceRequest()
    request.ClientToken = client_token
    request.ProductCode = "p_live"
    request.SubProductCode = "sp_live_package"
    request.RegionCode = "ap-guangzhou"
    request.InstanceId = instance_id
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def refund(live_server, key: Key, instance_id: str, *, client_token: str = "token-1", via: dict | None = None, **fields):
    request = refund_request(instance_id, client_token, **fields)
    return billing(live_server, key, **(via or {})).RefundInstance(request)


def sdk_error(call, *args, **kwargs) -> TencentCloudSDKException:
    """The error the SDK raised from the server's error envelope."""
    with pytest.raises(TencentCloudSDKException) as caught:
        call(*args, **kwargs)
    return caught.value


def sdk_clock_install(monkeypatch) -> SdkClock:
    clock = SdkClock()
    monkeypatch.setattr(abstract_client, "time", clock)
    return clock
