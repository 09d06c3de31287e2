"""The overdue-payment journey on the README's demo, from outside: the `overdue` persona's amount
owed in the console and in `DescribeAccountBalance` (the official SDK), a top-up of that amount
plus 10 in Chromium lifting the suspension, and the presenter moving the in-arrears persona past
its 24 hours; a top-up closed with Escape on a filtered ledger leaves the page up to date."""

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from tencentcloud.billing.v20180709 import billing_client
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from tests.browser.htmx import htmx_settled

SLOW = 15_000


@pytest.fixture(scope="module")
def demo(demo_of_its_own):
    return demo_of_its_own  # it moves the clock a day (tests/acceptance/conftest.py)


def balance_of(demo, username: str) -> dict:
    printed = dict(line.split("=", 1) for line in demo.manage("api_key_create", username).split())
    http = HttpProfile(endpoint=demo.endpoint, protocol="http")
    client = billing_client.BillingClient(
        credential.Credential(printed["SecretId"], printed["SecretKey"]), "", ClientProfile(httpProfile=http, language="en-US"),
    )
    return json.loads(client.DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest()).to_json_string())


def test_the_overdue_persona_tops_up_what_it_owes_plus_10_and_the_suspension_is_lifted(demo, sign_in, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    before = balance_of(demo, "overdue")
    assert before["OweAmount"] > 0
    assert before["Balance"] == before["RealBalance"] == before["CashAccountBalance"] - before["OweAmount"]

    sign_in("overdue")
    page.goto(f"{demo.url}/css/billing/")
    owed = Decimal(before["OweAmount"]) / 100
    expect(page.get_by_test_id("account-banner")).to_have_attribute("data-status", "suspended_overdue")
    expect(page.get_by_test_id("balance-owed")).to_have_text(f"USD {owed:.2f}")
    page.get_by_test_id("top-up").click()
    dialog = page.get_by_role("dialog", name="Top up")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-amount").fill(f"{owed + 10:.2f}")
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("split-lifts")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-confirm").click()
    expect(page.get_by_test_id("receipt-lifted")).to_be_visible(timeout=SLOW)
    page.get_by_test_id("top-up-done").click()
    expect(page.get_by_test_id("account-banner")).to_have_count(0)

    after = balance_of(demo, "overdue")
    assert (after["OweAmount"], after["Balance"]) == (0, before["CashAccountBalance"] + 1000)


def test_the_presenter_moves_the_in_arrears_persona_past_its_24_hours_and_it_is_suspended(demo, sign_in, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("arrears")
    expect(page.get_by_test_id("account-banner")).to_have_attribute("data-status", "in_arrears")
    expect(page.get_by_test_id("banner-countdown")).to_contain_text("left")

    panel = page.get_by_test_id("demo-panel")
    try:
        panel.locator("summary").click()
        with page.expect_navigation():
            panel.get_by_role("button", name="+1 day").click()

        expect(page.get_by_test_id("account-banner")).to_have_attribute("data-status", "suspended_overdue")
        expect(page.get_by_test_id("buy-package-refused")).to_be_visible()
    finally:
        if page.get_by_test_id("demo-panel").get_attribute("open") is None:
            page.get_by_test_id("demo-panel").locator("summary").click()
        with page.expect_navigation():
            page.get_by_test_id("demo-panel").get_by_role("button", name="Back to real time").click()


def test_a_top_up_closed_with_escape_leaves_the_filtered_ledger_and_the_balance_up_to_date(demo, sign_in, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("cedar")
    page.goto(f"{demo.url}/css/billing/")
    cash = Decimal(page.get_by_test_id("balance-cash").inner_text().removeprefix("USD "))
    # the ledger filtered to today (an htmx swap), as a person looking for today's entries does
    today = page.get_by_test_id("ledger").locator("tbody tr td:first-child").first.inner_text()[:10]
    filters = page.get_by_test_id("ledger-filters")
    filters.locator("input[name=start]").fill(today)
    filters.get_by_role("button").first.click()
    expect(page).to_have_url(f"{demo.url}/css/billing/?start={today}&end=", timeout=SLOW)
    htmx_settled(page)
    page.evaluate("window.stillThisPage = true")

    page.get_by_test_id("top-up").click()
    dialog = page.get_by_role("dialog", name="Top up")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-amount").fill("7.25")
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("top-up-confirm")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-confirm").click()
    expect(page.get_by_role("dialog", name="Top-up receipt")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    page.keyboard.press("Escape")

    expect(page.get_by_test_id("balance-cash")).to_have_text(f"USD {cash + Decimal('7.25')}", timeout=SLOW)
    expect(page.get_by_test_id("ledger").locator("tbody tr").first).to_contain_text("+7.25")
    expect(page.get_by_test_id("ledger-filters").locator("input[name=start]")).to_have_value(today)
    assert page.evaluate("window.stillThisPage === true")
