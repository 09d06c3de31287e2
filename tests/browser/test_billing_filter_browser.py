"""Balance and bills in the browser: the date filter redraws the export link with the table, so the
CSV downloaded after filtering holds only the filtered rows."""

import csv
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from console.core import clock
from tests.browser.htmx import htmx_settled
from tests.factories import MemberFactory, UserFactory, _fund

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(monkeypatch):
    """An owner with a top-up ten days ago and another today."""
    member = MemberFactory(user=UserFactory(username="owner1"))
    ten_days_ago = datetime.combine(clock.today() - timedelta(days=10), time(12), tzinfo=clock.billing_zone())
    with monkeypatch.context() as past:
        past.setattr(clock, "now", lambda: ten_days_ago)
        _fund(member.account, {"cash": Decimal("7.00")})
    _fund(member.account, {"cash": Decimal("3.00")})
    return member


def test_filtering_by_date_points_the_export_at_the_filtered_rows(owner, login, page, live_server):
    day = (clock.today() - timedelta(days=10)).isoformat()
    login("owner1", "correct-horse")
    page.goto(live_server.url + "/css/billing/")

    page.get_by_label("From").fill(day)
    page.get_by_label("To").fill(day)
    page.get_by_role("button", name="Filter").click()
    htmx_settled(page)
    expect(page).to_have_url(f"{live_server.url}/css/billing/?start={day}&end={day}")

    export = page.get_by_test_id("ledger-csv")
    assert export.get_attribute("href") == f"/css/billing/ledger.csv?start={day}&end={day}"
    with page.expect_download() as download:
        export.click()
    with open(download.value.path(), newline="") as exported:
        rows = list(csv.reader(exported))
    assert [(row[2], row[3]) for row in rows[1:]] == [("top_up", "7.00")]
