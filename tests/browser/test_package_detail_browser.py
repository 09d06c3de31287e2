"""A package's own page refunds it through the same dialog as its row, at a laptop's and a phone's
size: the deadline and Refund beside the facts, then the facts redrawn in place as refunded."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from console.core import clock
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


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reclaimed_package_page_explains_the_reclaim_in_chinese_without_sideways_scrolling(
    login, page, live_server, viewport, screenshot
):
    # given the owner of a package reclaimed by the account's repossession, reading Chinese
    username = f"reclaimed-{viewport['width']}"
    owner = MemberFactory(user=UserFactory(username=username), account__name="Harbor Education Online")
    package = PackageFactory(owner=owner.account, reclaimed_at=clock.now() - timedelta(days=2))
    page.set_viewport_size(viewport)
    login(username, "correct-horse")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])

    # when they open its page
    page.goto(live_server.url + reverse("package_detail", args=[package.code]))

    # then its status, why, and the refusal are on screen, in Chinese, with no Refund to confirm
    expect(page.get_by_test_id("package-status")).to_have_text("已回收")
    note = page.get_by_test_id("reclaimed-note")
    expect(note).to_contain_text("因账户欠费停服满 60 天")
    expect(note).to_be_visible()
    expect(page.get_by_test_id("refund-why")).to_have_text("因欠费已回收")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    box = note.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    screenshot(f"package-detail-reclaimed-zh-{viewport['width']}")
