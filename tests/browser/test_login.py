import re

import pytest
from playwright.sync_api import expect

from tests.factories import MemberFactory, StaffFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_an_account_owner_logs_in_and_lands_on_package_management(login, page):
    MemberFactory(user=UserFactory(username="owner1"), account__name="Aurora Live")

    login("owner1", "correct-horse")

    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()
    expect(page.get_by_test_id("account-chip")).to_contain_text("Aurora Live")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"])
def test_staff_who_log_in_at_the_console_login_land_in_the_admin_not_on_a_403(login, page, viewport, screenshot):
    page.set_viewport_size(viewport)
    StaffFactory(username="staff1", is_superuser=True)

    login("staff1", "correct-horse")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("403")).to_have_count(0)
    screenshot(f"staff-login-{viewport['width']}")


@pytest.mark.django_db(transaction=True)
def test_an_account_owner_on_a_phone_logs_in_to_a_page_that_fits(login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    MemberFactory(user=UserFactory(username="owner2"))

    login("owner2", "correct-horse")

    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
