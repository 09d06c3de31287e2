"""A package's own page refunds it through the same dialog as its row, at a laptop's and a phone's
size: the deadline and Refund beside the facts, then the facts redrawn in place as refunded."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = [pytest.param({"width": 1280, "height": 800}, id="1280x800"), pytest.param({"width": 390, "height": 844}, id="390x844")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_refunding_from_the_package_page_redraws_its_facts_as_refunded(login, page, live_server, viewport, screenshot):
    # given an owner on the page of an unused package
    owner = MemberFactory(user=UserFactory(username=f"detail-{viewport['width']}"), account__name="Aurora Live")
    package = PackageFactory(owner=owner.account)
    page.set_viewport_size(viewport)
    login(f"detail-{viewport['width']}", "correct-horse")
    page.goto(live_server.url + reverse("package_detail", args=[package.code]))
    deadline = page.get_by_test_id("refund-deadline")
    expect(deadline).to_contain_text("left")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(f"package-detail-refundable-{viewport['width']}")

    # when they refund it through the dialog its Refund opens
    deadline.get_by_role("link", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    htmx_settled(page)
    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Refund USD").click()

    # then the dialog closes and the facts say refunded, with no Refund left, without a reload
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("package-status")).to_have_text("Refunded")
    expect(page.get_by_test_id("refund-deadline")).to_contain_text("Refunded")
    expect(page.get_by_test_id("refund-deadline").get_by_role("link", name="Refund")).to_have_count(0)
    screenshot(f"package-detail-refunded-{viewport['width']}")
