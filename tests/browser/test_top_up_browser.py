"""The arrears banner and the Top up dialog on a phone and a laptop, in English and Chinese:
the banner's countdown, the amount, the confirmation with its split, the receipt, and the
suspension lifted."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from console.accounts.models import AccountStatus
from console.accounts.preferences import UserPreference
from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import FundedAccountFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SLOW = 15_000


def owing(username: str, status: str, *, language: str = ""):
    account = FundedAccountFactory(name="Harbor", funds={"owed": "7.50"}, status=status)
    account.standing_since = clock.now() - timedelta(hours=3)
    if status == AccountStatus.IN_ARREARS:
        account.arrears_deadline = clock.now() + timedelta(hours=21)
    account.save()
    user = UserFactory(username=username)
    if language:
        UserPreference.objects.create(user=user, language=language)
    MemberFactory(user=user, account=account)
    return account


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_an_account_in_arrears_sees_the_countdown_on_every_page(login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    owing("lumen", AccountStatus.IN_ARREARS)

    login("lumen", "correct-horse")

    banner = page.get_by_test_id("account-banner")
    expect(banner).to_contain_text("in arrears")
    expect(page.get_by_test_id("banner-countdown")).to_have_text("20h 59m left")
    expect(page.get_by_test_id("banner-owed")).to_contain_text("USD 7.50")
    assert fits(page)
    screenshot(f"arrears-banner-{viewport['width']}")
    page.goto(live_server.url + "/tickets/")
    expect(page.get_by_test_id("banner-countdown")).to_be_visible()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_a_suspended_owner_tops_up_from_the_banner_and_the_suspension_is_lifted(login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    account = owing("harbor", AccountStatus.SUSPENDED_OVERDUE)
    login("harbor", "correct-horse")

    page.get_by_test_id("banner-top-up").click()
    dialog = page.get_by_role("dialog", name="Top up")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    expect(dialog.get_by_test_id("sandbox-label")).to_contain_text("no real money moves")
    expect(dialog.get_by_test_id("top-up-amount")).to_have_value("7.50")
    dialog.get_by_test_id("top-up-amount").fill("17.50")
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("split-owed")).to_have_text("USD 7.50", timeout=SLOW)
    expect(dialog.get_by_test_id("split-cash")).to_have_text("USD 10.00")
    expect(dialog.get_by_test_id("split-lifts")).to_be_visible()
    assert fits(page)
    screenshot(f"top-up-confirm-{viewport['width']}")
    htmx_settled(page)
    dialog.get_by_test_id("top-up-confirm").click()

    receipt = page.get_by_role("dialog", name="Top-up receipt")
    expect(receipt.get_by_test_id("receipt-lifted")).to_be_visible(timeout=SLOW)
    expect(receipt.get_by_test_id("receipt-owed")).to_have_text("USD 7.50")
    screenshot(f"top-up-receipt-{viewport['width']}")
    receipt.get_by_test_id("top-up-done").click()
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 10.00", timeout=SLOW)
    expect(page.get_by_test_id("account-banner")).to_have_count(0)
    account.refresh_from_db()
    assert (account.status, account.owed_balance) == (AccountStatus.ACTIVE, Decimal("0.00"))


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_banner_and_the_top_up_dialog_read_in_chinese(login, page, live_server, viewport, screenshot):
    page.set_viewport_size(viewport)
    owing("lumen", AccountStatus.IN_ARREARS, language="zh-hans")
    login("lumen", "correct-horse")

    expect(page.get_by_test_id("account-banner")).to_contain_text("该账号已欠费。")
    expect(page.get_by_test_id("banner-countdown")).to_have_text("剩余 20 小时 59 分钟")
    page.get_by_test_id("banner-top-up").click()
    dialog = page.get_by_role("dialog", name="充值")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("split-lifts")).to_have_text("本次充值将结清全部欠费：账号立即恢复正常。", timeout=SLOW)
    assert fits(page)
    screenshot(f"top-up-confirm-zh-{viewport['width']}")


def test_closing_the_receipt_leaves_balance_and_bills_showing_the_new_balance_and_entry(login, page, live_server):
    page.set_viewport_size(LAPTOP)
    account = FundedAccountFactory(name="Aurora", funds={"cash": "40.00"})
    MemberFactory(user=UserFactory(username="aurora"), account=account)
    login("aurora", "correct-horse")
    page.goto(live_server.url + "/css/billing/")
    page.evaluate("window.stillThisPage = true")

    page.get_by_test_id("top-up").click()
    dialog = page.get_by_role("dialog", name="Top up")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-amount").fill("12.34")
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("top-up-confirm")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-confirm").click()
    expect(page.get_by_role("dialog", name="Top-up receipt")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    page.keyboard.press("Escape")

    # Behind the dialog, without a page load: the balances and the ledger were fetched again.
    expect(page.get_by_test_id("balance-cash")).to_have_text("USD 52.34", timeout=SLOW)
    expect(page.get_by_test_id("ledger").locator("tbody tr").first).to_contain_text("+12.34")
    assert page.evaluate("window.stillThisPage === true")


def test_closing_the_receipt_of_a_top_up_that_lifted_the_suspension_takes_the_banner_away(login, page, live_server):
    page.set_viewport_size(PHONE)
    owing("harbor", AccountStatus.SUSPENDED_OVERDUE)
    login("harbor", "correct-horse")
    page.evaluate("window.stillThisPage = true")

    page.get_by_test_id("banner-top-up").click()
    dialog = page.get_by_role("dialog", name="Top up")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-review").click()
    expect(dialog.get_by_test_id("split-lifts")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    dialog.get_by_test_id("top-up-confirm").click()
    expect(page.get_by_role("dialog", name="Top-up receipt").get_by_test_id("receipt-lifted")).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    page.keyboard.press("Escape")

    expect(page.get_by_test_id("account-banner")).to_have_count(0, timeout=SLOW)
    assert page.evaluate("window.stillThisPage === true")
