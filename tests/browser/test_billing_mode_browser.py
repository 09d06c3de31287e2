"""The Billing mode panel on a laptop and a phone, in English and Chinese: the mode in force,
Change, the confirmation that says what happens to the traffic packages, and the panel after the
htmx swap (no page load) with the pending change and its day."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from console.accounts.preferences import UserPreference
from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SLOW = 15_000
WORDS = {
    "en": {
        "in_force": "Bill-by-traffic (daily)", "change": "Change to Bill-by-bandwidth (daily peak)",
        "frozen": "Its 2 traffic packages are frozen from", "confirm": "Change", "pending": "Changing to Bill-by-bandwidth (daily peak) from",
        "tomorrow": "You can change the billing mode again tomorrow.",
    },
    "zh-hans": {
        "in_force": "按日结流量计费", "change": "变更为按日结带宽计费（日峰值）",
        "frozen": "其 2 个流量包自", "confirm": "更改", "pending": "将自", "tomorrow": "您可以明天再更改计费模式。",
    },
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_owner_changes_the_billing_mode_and_the_panel_shows_the_pending_change(login, page, viewport, language, screenshot):
    page.set_viewport_size(viewport)
    words = WORDS[language]
    user = UserFactory(username="cedar")
    if language != "en":
        UserPreference.objects.create(user=user, language=language)
    owner = MemberFactory(user=user)
    for days in (30, 2):
        PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=days))
    PackageFactory(owner=owner.account, kind="transcode_standard")

    login("cedar", "correct-horse")
    panel = page.get_by_test_id("billing-mode-panel")
    expect(panel.get_by_test_id("billing-mode")).to_have_text(words["in_force"])
    assert fits(page)
    screenshot(f"billing-mode-before-{language}-{viewport['width']}")

    panel.get_by_test_id("billing-mode-change").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible(timeout=SLOW)
    htmx_settled(page)
    expect(dialog).to_contain_text(words["frozen"])
    assert fits(page)
    screenshot(f"billing-mode-confirm-{language}-{viewport['width']}")
    page.evaluate("window.stillThisPage = true")
    dialog.get_by_test_id("confirm-action").click()

    expect(dialog).to_be_hidden(timeout=SLOW)
    htmx_settled(page)
    panel = page.get_by_test_id("billing-mode-panel")
    expect(panel.get_by_test_id("billing-mode-pending")).to_contain_text(words["pending"], timeout=SLOW)
    expect(panel.get_by_test_id("billing-mode")).to_have_text(words["in_force"])
    expect(panel.get_by_test_id("billing-mode-why")).to_contain_text(words["tomorrow"])
    # Swapped in place: the page was not loaded again.
    assert page.evaluate("window.stillThisPage === true")
    assert fits(page)
    screenshot(f"billing-mode-after-{language}-{viewport['width']}")
