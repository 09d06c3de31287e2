"""Billing modes on the README's demo, from outside: `cedar` asked today for daily peak bandwidth, so
its panel shows the change pending and the official SDK still answers daily traffic; the presenter's
"+1 day" puts it in force, and the console and the SDK both show bandwidth with the traffic
packages frozen (transcoding unaffected). `pinewood`, which switched yesterday, is frozen now, and
as it has streamed today, switching back would wait until the day after tomorrow."""

import pytest
from playwright.sync_api import expect
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import live_client
from tencentcloud.live.v20180801 import models as live_models


SLOW = 15_000
TRAFFIC, TRANSCODING = 0, 1
FROZEN = 3


@pytest.fixture(scope="module")
def demo(demo_of_its_own):
    return demo_of_its_own  # it moves the clock a day (tests/acceptance/conftest.py)


def packages_of(demo, username: str):
    """A script's view: DescribeLivePackageInfo with a key `api_key_create` made for `username`,
    answering (PackageBillMode, FluxPackageBillMode, {Id: Status}) per package type."""
    printed = dict(line.split("=", 1) for line in demo.manage("api_key_create", username).split())
    client = live_client.LiveClient(
        credential.Credential(printed["SecretId"], printed["SecretKey"]), "",
        ClientProfile(httpProfile=HttpProfile(endpoint=demo.endpoint, protocol="http"), language="en-US"),
    )

    def answer(package_type: int):
        request = live_models.DescribeLivePackageInfoRequest()
        request.PackageType = package_type
        found = client.DescribeLivePackageInfo(request)
        return found.PackageBillMode, found.FluxPackageBillMode, {info.Id: info.Status for info in found.LivePackageInfoList}

    return answer


def presenter_clock(page, button: str) -> None:
    panel = page.get_by_test_id("demo-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    with page.expect_navigation():
        panel.get_by_role("button", name=button).click()


def statuses_in_the_table(page) -> dict[str, str]:
    rows = page.get_by_test_id("package-row")
    return {rows.nth(i).get_attribute("data-code"): rows.nth(i).get_by_test_id("status").inner_text() for i in range(rows.count())}


def test_pinewood_switched_yesterday_so_its_traffic_packages_are_frozen_for_the_console_and_the_sdk(demo, sign_in, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("pinewood")

    expect(page.get_by_test_id("billing-mode-panel").get_by_test_id("billing-mode")).to_have_text("Bill-by-bandwidth (daily peak)")
    assert set(statuses_in_the_table(page).values()) == {"Frozen"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    bill_mode, flux_modes, statuses = packages_of(demo, "pinewood")(TRAFFIC)
    assert (bill_mode, flux_modes) == (203, "203,203,203,203")
    assert set(statuses.values()) == {FROZEN}


def test_pinewood_streamed_today_so_switching_back_waits_until_the_day_after_tomorrow(demo, sign_in, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in("pinewood")

    page.get_by_test_id("billing-mode-panel").get_by_test_id("billing-mode-change").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("It has usage today already, so today and tomorrow are still billed in the current mode.", timeout=SLOW)
    expect(dialog).to_contain_text("Its 2 frozen traffic packages come back")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("billing-mode-panel").get_by_test_id("billing-mode-pending")).to_have_count(0)


def test_cedars_pending_change_takes_effect_when_the_presenter_moves_a_day(demo, sign_in, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    script = packages_of(demo, "cedar")
    sign_in("cedar")
    panel = page.get_by_test_id("billing-mode-panel")

    # Today: the change is pending, nothing is frozen yet, and the API still answers daily traffic.
    expect(panel.get_by_test_id("billing-mode")).to_have_text("Bill-by-traffic (daily)")
    expect(panel.get_by_test_id("billing-mode-pending")).to_contain_text("Changing to Bill-by-bandwidth (daily peak) from")
    assert "Frozen" not in statuses_in_the_table(page).values()
    bill_mode, flux_modes, traffic_before = script(TRAFFIC)
    assert (bill_mode, flux_modes) == (204, "204,204,204,204")
    assert FROZEN not in traffic_before.values()
    transcoding_before = script(TRANSCODING)

    try:
        presenter_clock(page, "+1 day")

        # Tomorrow: in force; the traffic packages are frozen in the table and for the API.
        panel = page.get_by_test_id("billing-mode-panel")
        expect(panel.get_by_test_id("billing-mode")).to_have_text("Bill-by-bandwidth (daily peak)")
        expect(panel.get_by_test_id("billing-mode-pending")).to_have_count(0)
        assert set(statuses_in_the_table(page).values()) == {"Frozen"}
        bill_mode, flux_modes, traffic_after = script(TRAFFIC)
        assert (bill_mode, flux_modes) == (203, "203,203,203,203")
        assert traffic_after == dict.fromkeys(traffic_before, FROZEN)
        assert script(TRANSCODING) == (205, "", transcoding_before[2])
    finally:
        presenter_clock(page, "Back to real time")
