"""The package page's two statements (console/pages/packages/selectors.py) read exactly what the
plain querysets for the same filters read: the same rows in the same order with the same values,
the same counts, for every tab, status, sort and search, under either billing mode."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from console.accounts.models import BillingMode
from console.core import clock
from console.packages.models import Package
from console.packages.status import PackageStatus, status_filter
from console.pages.packages.query import ORDERING, PackageQuery, Sort, Tab
from console.pages.packages.selectors import ROW_FIELDS, package_page
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


def _expected(account, query: PackageQuery):
    packages = Package.objects.filter(owner=account, family=Tab(query.tab))
    if query.q:
        packages = packages.filter(code__icontains=query.q)
    if query.status:
        packages = packages.filter(status_filter(query.status, billing_mode=account.billing_mode, now=NOW))
    return packages.order_by(*ORDERING[Sort(query.sort)])


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [BillingMode.DAILY_TRAFFIC, BillingMode.DAILY_BANDWIDTH])
def test_every_view_reads_the_rows_and_count_of_the_orms_queryset_for_its_filters(member, mode):
    account = member.account
    account.billing_mode = mode
    account.save(update_fields=["billing_mode"])
    _packages_of_every_kind_and_state(account)

    for tab, status, sort, q in itertools.product(Tab.values, ["", *PackageStatus.values], Sort.values, ["", "Q0", "nothing"]):
        query = PackageQuery(tab=tab, status=status, sort=sort, q=q, size=100)

        page = package_page(member=member, query=query, now=NOW)

        expected = _expected(account, query)
        assert [row.values for row in page.rows] == list(expected.values(*ROW_FIELDS)), query
        assert page.page.paginator.count == expected.count(), query


@pytest.mark.django_db
def test_a_later_page_reads_the_same_slice_as_the_queryset(member):
    _packages_of_every_kind_and_state(member.account)
    query = PackageQuery(tab=Tab.TRAFFIC, sort=Sort.EXPIRES_ASC, size=10, page=2)

    page = package_page(member=member, query=query, now=NOW)

    assert [row.pk for row in page.rows] == list(_expected(member.account, query).values_list("pk", flat=True)[10:20])


@pytest.mark.django_db
def test_a_page_number_past_the_last_reads_the_querysets_last_page(member):
    _packages_of_every_kind_and_state(member.account)
    query = PackageQuery(tab=Tab.TRAFFIC, sort=Sort.EXPIRES_ASC, size=10, page=7)

    page = package_page(member=member, query=query, now=NOW)

    expected = list(_expected(member.account, query).values(*ROW_FIELDS))
    assert page.page.number == 2
    assert [row.values for row in page.rows] == expected[10:20]


@pytest.mark.django_db
def test_the_refunds_left_are_counted_as_the_allowance_counts_them(member, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 5
    for _ in range(2):
        package = PackageFactory(owner=member.account, purchased_at=NOW - timedelta(hours=1))
        package_refund(RefundRequest(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4())))

    page = package_page(member=member, query=PackageQuery(), now=NOW)

    assert recent_self_service_refunds(member.account, now=NOW) == 2
    assert page.allowance_remaining == 3
