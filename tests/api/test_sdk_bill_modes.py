"""DescribeLivePackageInfo's PackageBillMode and FluxPackageBillMode follow the billing mode in
force now, through the official SDK: a pending change does not count yet; once in force, the
traffic packages' Status is 3 (frozen) and transcoding packages keep theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.accounts.models import BillingMode
from console.billing.services import billing_mode_change
from console.core import clock
from tests.api import live_sdk
from tests.factories import MemberFactory, PackageFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sdk_clock")]


@pytest.fixture
def owner():
    member = MemberFactory()
    PackageFactory(owner=member.account, kind="traffic", spec_name="1 TB")
    PackageFactory(owner=member.account, kind="transcode_standard")
    return member


def asked(owner, mode, *, days_ago: int, monkeypatch) -> None:
    """The owner asked for `mode` `days_ago` days ago (no usage that day)."""
    real_now = clock.now
    with monkeypatch.context() as patch:
        patch.setattr(clock, "now", lambda: real_now() - timedelta(days=days_ago))
        billing_mode_change(account_id=owner.account_id, mode=mode, actor=owner.user, member=owner)


def modes(live_server, key, package_type=0):
    answer = live_sdk.list_packages(live_server, key, PackageType=package_type)
    return answer.PackageBillMode, answer.FluxPackageBillMode, [info.Status for info in answer.LivePackageInfoList]


def test_before_a_change_the_traffic_modes_are_daily_traffic(live_server, owner, api_key):
    assert modes(live_server, api_key(owner)) == (204, "204,204,204,204", [0])


def test_a_change_still_pending_does_not_change_the_modes(live_server, owner, api_key, monkeypatch):
    asked(owner, BillingMode.DAILY_BANDWIDTH, days_ago=0, monkeypatch=monkeypatch)

    assert modes(live_server, api_key(owner)) == (204, "204,204,204,204", [0])


def test_once_the_change_is_in_force_the_modes_are_daily_bandwidth_and_traffic_packages_frozen(live_server, owner, api_key, monkeypatch):
    asked(owner, BillingMode.DAILY_BANDWIDTH, days_ago=1, monkeypatch=monkeypatch)
    key = api_key(owner)

    assert modes(live_server, key) == (203, "203,203,203,203", [3])
    assert modes(live_server, key, package_type=1) == (205, "", [0])  # transcoding: unaffected


def test_back_on_traffic_the_modes_and_the_packages_return(live_server, owner, api_key, monkeypatch):
    asked(owner, BillingMode.DAILY_BANDWIDTH, days_ago=3, monkeypatch=monkeypatch)
    asked(owner, BillingMode.DAILY_TRAFFIC, days_ago=1, monkeypatch=monkeypatch)

    assert modes(live_server, api_key(owner)) == (204, "204,204,204,204", [0])
