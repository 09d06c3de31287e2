"""A sub-user who may not buy opens the buy page: it says why, at both sizes, and offers no
price to confirm."""

import pytest
from playwright.sync_api import expect

from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_buy_page_tells_a_sub_user_who_may_not_buy_why(login, page, live_server, viewport, screenshot):
    MemberFactory(sub_user=True, user=UserFactory(username="lookonly"))
    page.set_viewport_size(viewport)
    login("lookonly", "correct-horse")

    page.goto(f"{live_server.url}/css/packages/buy/")

    expect(page.get_by_test_id("buy-refusal")).to_be_visible()
    expect(page.get_by_test_id("buy-refusal")).to_have_text(
        "You do not have permission to buy packages. Ask the account owner."
    )
    expect(page.get_by_role("button", name="Show price")).to_have_count(0)
    expect(page.get_by_test_id("buy-confirm")).to_have_count(0)
    expect(page.get_by_test_id("buy-quote")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"buy-refused-{viewport['width']}")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_package_page_says_beside_the_disabled_buy_button_why_in_the_buy_pages_words(
    login, page, live_server, viewport, screenshot
):
    MemberFactory(sub_user=True, user=UserFactory(username="lookonly2"))
    page.set_viewport_size(viewport)
    login("lookonly2", "correct-horse")

    page.goto(f"{live_server.url}/css/packages/")

    expect(page.get_by_test_id("buy-package-refused")).to_have_attribute("aria-disabled", "true")
    reason = page.get_by_test_id("buy-package-reason")
    expect(reason).to_be_visible()
    expect(reason).to_have_text("You do not have permission to buy packages. Ask the account owner.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"package-page-buy-refused-{viewport['width']}")
