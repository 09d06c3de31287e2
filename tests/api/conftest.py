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
