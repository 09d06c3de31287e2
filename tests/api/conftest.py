"""Fixtures that drive the official Tencent Cloud SDK against a fake wire (see `sdk_wire`)."""

from __future__ import annotations

import pytest
import requests

from tests.api.sdk_wire import FakeWire, SentRequest, describe_live_package_info


@pytest.fixture
def wire(monkeypatch) -> FakeWire:
    fake = FakeWire()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", fake.send)
    return fake


@pytest.fixture
def sdk_request(wire) -> SentRequest:
    """What `LiveClient.DescribeLivePackageInfo` sends to http://testserver:8000/."""
    describe_live_package_info()
    (sent,) = wire.sent
    return sent


# --- the official SDKs against the live server (test_sdk_*.py) ------------------------------------


@pytest.fixture
def sdk_clock(monkeypatch):
    """The SDK signs each call one second after the last (see `live_sdk.SdkClock`)."""
    from tests.api.live_sdk import sdk_clock_install

    return sdk_clock_install(monkeypatch)


@pytest.fixture
def api_key():
    """`api_key(member)`: an enabled key of `member`, as `live_sdk.Key`."""
    from tests.api.live_sdk import Key
    from tests.factories import ApiKeyFactory

    def _key(member) -> Key:
        key = ApiKeyFactory(member=member)
        return Key(key.secret_id, key.secret_key)

    return _key
