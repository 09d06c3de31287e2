"""What the persona pass (tests/browser/test_persona_pass.py) found, each pinned where it was seen."""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from refunds.policy import Channel
from refunds.services import RefundRequest, package_refund
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Each box that scrolls sideways and holds more than it shows: [box, scrollWidth, clientWidth].
HIDDEN_SIDEWAYS = """
() => [...document.querySelectorAll('main *')].filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).map(el => [el.className, el.scrollWidth, el.clientWidth])
"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_refund_records_show_every_column_at_a_laptops_width(login, page, live_server, language, screenshot):
    member = MemberFactory(
        user=UserFactory(username=f"records-{language}"),
        account=FundedAccountFactory(name="Aurora Live Media Co., Ltd.", funds={"cash": "80.00"}),
    )
    package_refund(RefundRequest(
        package_id=PackageFactory(owner=member.account, kind="transcode_tsc").pk, owner=member.account,
        actor=member.user, idempotency_key=str(uuid.uuid4()), member=member, channel=Channel.SELF_SERVICE,
    ))
    page.set_viewport_size(LAPTOP)
    login(f"records-{language}", "correct-horse")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(live_server.url + reverse("refund_records"))

    expect(page.locator("tr[data-order-id]")).to_have_count(1)
    screenshot(f"refund-records-{language}-1280")
    assert page.evaluate(HIDDEN_SIDEWAYS) == []
