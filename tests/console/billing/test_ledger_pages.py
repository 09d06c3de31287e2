"""Balance and bills: the ledger comes in pages, whose links keep the date filter and swap the
ledger in place; each page costs the same queries however long the ledger."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.core import clock
from tests.factories import FundedAccountFactory, MemberFactory, _fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "40.00"}))
    client.force_login(member.user)
    return member


def test_the_ledger_shows_fifty_entries_a_page(client, member):
    for _ in range(50):
        _fund(member.account, {"cash": "1.00"})

    first, second = client.get(reverse("billing")), client.get(reverse("billing"), {"page": 2})

    assert (len(first.context["page"]), len(second.context["page"])) == (50, 1)


def test_the_ledgers_page_links_keep_the_dates_and_swap_the_ledger(client, member):
    for _ in range(50):
        _fund(member.account, {"cash": "1.00"})
    start = (clock.today() - timedelta(days=1)).isoformat()

    html = client.get(reverse("billing"), {"start": start}).content.decode()

    link = f"{reverse('billing')}?start={start}&amp;page=2"
    assert f'href="{link}" hx-get="{link}" hx-target="#ledger" hx-swap="outerHTML show:top" hx-push-url="true"' in html


def test_a_ledger_page_costs_the_same_queries_for_1_or_120_entries(client, member, django_assert_num_queries):
    params = {"start": (clock.today() - timedelta(days=1)).isoformat(), "page": "2"}
    client.get(reverse("billing"), params)  # session and caches warm
    with CaptureQueriesContext(connection) as one_entry:
        client.get(reverse("billing"), params)
    for _ in range(120):
        _fund(member.account, {"cash": "1.00"})

    with django_assert_num_queries(len(one_entry)):
        response = client.get(reverse("billing"), params)

    assert len(response.context["page"]) == 50
