"""The package page's two statements (console/pages/packages/selectors.py) list exactly the packages
a person would pick out by hand: worked out in Python from every package of the account (the tab's
kinds, the search in the ID, the status each package shows, the order the sort names), for every
tab, status, sort and search, under either billing mode, with the same count."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from console.accounts.models import BillingMode
from console.core import clock
from console.packages.models import Package
from console.packages.status import PackageStatus, package_status
from console.pages.packages.query import ORDERING, PackageQuery, Sort, Tab
from console.pages.packages.selectors import package_page
from refunds.selectors import recent_self_service_refunds
from refunds.services import RefundRequest, package_refund
from tests.factories import AccountFactory, MemberFactory, PackageFactory, spec

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
KINDS = ["traffic", "transcode_standard", "transcode_tsc", "co_anchoring", "licence"]


@pytest.fixture
def member(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return MemberFactory()


def _packages_of_every_kind_and_state(account) -> None:
    """Each kind: bought over two years (some expired), unused, in use or used up, some refunded,
    some paid by another account, with money in every part of the payment."""
    other_payer = AccountFactory()
    for i, kind in enumerate(itertools.islice(itertools.cycle(KINDS), 60)):
        package_spec = spec(kind)
        bought = NOW - timedelta(days=13 * i, minutes=i)
        used = (Decimal(0), package_spec.size / 4, package_spec.size)[i % 3]
        refunded = i % 7 == 3
        PackageFactory(
            owner=account, payer=other_payer if i % 5 == 1 else account, kind=kind, spec=package_spec,
            code=f"lvpkg-q{i:03d}", purchased_at=bought, expires_at=bought + timedelta(days=365),
            used=Decimal(0) if refunded else used, refunded_at=bought + timedelta(hours=1) if refunded else None,
            paid_commission=Decimal("0.20"), paid_free=Decimal("0.15"), voucher=Decimal("0.10"),
        )


def _expected(account, query: PackageQuery) -> list[int]:
    """The IDs the page must list, in order, picked out in Python (not by the page's queryset)."""
    chosen = [
        package for package in Package.objects.filter(owner=account).select_related("spec")
        if package.family == query.tab
        and query.q.lower() in package.code.lower()
        and (not query.status or package_status(package, billing_mode=account.billing_mode, now=NOW) == query.status)
    ]
    # The sort's fields, least significant first: Python's sort is stable.
    for field in reversed(ORDERING[Sort(query.sort)]):
        name = field.lstrip("-")
        chosen.sort(key=lambda package: getattr(package, name), reverse=field.startswith("-"))
    return [package.pk for package in chosen]


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [BillingMode.DAILY_TRAFFIC, BillingMode.DAILY_BANDWIDTH])
def test_every_view_lists_the_packages_its_filters_pick_out_by_hand_in_their_order_and_count(member, mode):
    account = member.account
    account.billing_mode = mode
    account.save(update_fields=["billing_mode"])
    _packages_of_every_kind_and_state(account)

    for tab, status, sort, q in itertools.product(Tab.values, ["", *PackageStatus.values], Sort.values, ["", "Q0", "nothing"]):
        query = PackageQuery(tab=tab, status=status, sort=sort, q=q, size=100)

        page = package_page(member=member, query=query, now=NOW)

        expected = _expected(account, query)
        assert [row.values["pk"] for row in page.rows] == expected, query
        assert page.page.paginator.count == len(expected), query


@pytest.mark.django_db
def test_a_later_page_reads_the_same_slice_as_the_queryset(member):
    _packages_of_every_kind_and_state(member.account)
    query = PackageQuery(tab=Tab.TRAFFIC, sort=Sort.EXPIRES_ASC, size=10, page=2)

    page = package_page(member=member, query=query, now=NOW)

    assert [row.pk for row in page.rows] == _expected(member.account, query)[10:20]


@pytest.mark.django_db
def test_a_page_number_past_the_last_reads_the_querysets_last_page(member):
    _packages_of_every_kind_and_state(member.account)
    query = PackageQuery(tab=Tab.TRAFFIC, sort=Sort.EXPIRES_ASC, size=10, page=7)

    page = package_page(member=member, query=query, now=NOW)

    assert page.page.number == 2
    assert [row.pk for row in page.rows] == _expected(member.account, query)[10:20]


@pytest.mark.django_db
def test_the_refunds_left_are_counted_as_the_allowance_counts_them(member, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 5
    for _ in range(2):
        package = PackageFactory(owner=member.account, purchased_at=NOW - timedelta(hours=1))
        package_refund(RefundRequest(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4())))

    page = package_page(member=member, query=PackageQuery(), now=NOW)

    assert recent_self_service_refunds(member.account, now=NOW) == 2
    assert page.allowance_remaining == 3
