"""The console in Chinese in a real browser: the switch in the top bar, then the package
page, the refund dialog, the ticket form and the review desk, each saved as a screenshot
(`i18n-*.png`, in the screenshots folder; see tests/browser/conftest.py) after asserting what it
must show."""

import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from console.accounts.models import Member
from console.accounts.preferences import UserPreference
from console.packages.models import Package
from tests.browser.htmx import htmx_settled
from tickets import services as tickets

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800}),
]


@pytest.fixture
def seeded(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())


def switch_to_chinese(page):
    page.get_by_test_id("language-switch").locator("summary").click()
    with page.expect_navigation():
        page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state("networkidle")


def test_the_package_page_and_refund_dialog_in_chinese(seeded, login, page, live_server, screenshot):
    login("demo", "demo")
    switch_to_chinese(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("资源包/插件管理")
    expect(page.get_by_test_id("sidemenu")).to_contain_text("余额与账单")
    row = page.locator("[data-testid=package-row][data-code='lvpkg-dm000001']")
    expect(row.get_by_test_id("status")).to_have_text("未使用")
    expect(page.get_by_test_id("refund-allowance")).to_contain_text("剩余自助退款次数")
    assert UserPreference.objects.get(user__username="demo").language == "zh-hans"
    screenshot("i18n-01-package-page")

    row.get_by_test_id("refund").click()
    dialog = page.locator("#refund-dialog")
    expect(dialog).to_be_visible()
    htmx_settled(page)
    expect(dialog.get_by_role("heading")).to_have_text("退款资源包 lvpkg-dm000001")
    expect(dialog).to_contain_text("现金账户")
    expect(dialog).to_contain_text("收益转入账户")
    expect(dialog).to_contain_text("赠送账户")
    expect(dialog.get_by_test_id("refund-confirm")).to_contain_text("退款 USD")
    screenshot("i18n-02-refund-dialog")


def test_the_ticket_form_in_chinese(seeded, login, page, live_server, screenshot):
    login("demo", "demo")
    switch_to_chinese(page)

    page.goto(f"{live_server.url}/tickets/new/?product=css&issue_type=other&package=lvpkg-dm000011")
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", level=1)).to_have_text("提交工单")
    expect(page.get_by_test_id("chosen-product")).to_contain_text("云直播")
    expect(page.get_by_role("heading", name="描述问题")).to_be_visible()
    expect(page.get_by_label("相关资源包")).to_have_value("lvpkg-dm000011")
    expect(page.get_by_role("button", name="提交工单")).to_be_visible()
    screenshot("i18n-03-ticket-form")


def test_the_review_desk_in_chinese(seeded, login, page, live_server, screenshot):
    demo = Member.objects.select_related("user").get(user__username="demo")
    ticket = tickets.ticket_submit(
        member=demo, product="css", issue_type="other", title="连麦包退款申请", description="误购了连麦包，请退款。",
        package=Package.objects.get(code="lvpkg-dm000011"), contact_email=demo.user.email,
        contact_phone="+86 13800000000", contact_time="anytime", attachments=[], submission_key=uuid.uuid4(),
    )
    login("admin", "admin")
    switch_to_chinese(page)

    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    page.wait_for_load_state("networkidle")

    desk = page.get_by_test_id("review-desk")
    expect(desk.get_by_role("heading", level=2)).to_contain_text("审核台")
    expect(desk.get_by_role("button", name="批准退款")).to_be_visible()
    expect(desk.get_by_role("button", name="驳回")).to_be_visible()
    expect(page.locator(".refund-verdict")).to_contain_text("可退款")
    expect(page.locator("#content")).to_contain_text("审计日志")
    assert UserPreference.objects.get(user=get_user_model().objects.get(username="admin")).language == "zh-hans"
    screenshot("i18n-04-review-desk")
