"""The package page's reads: one page of an account's packages, each row with its status and
the refund policy's verdict, and the account's balances and self-service refunds left.

Two statements whatever the number of packages, both QuerySets: the counts (the matching
packages, capped for a search, and the refunds that count against the allowance) in one, then
one page of rows as plain values. None for the rows when nothing matches. The tab, the status
filter and every sort order are answered from the package page's indexes (the generated
`family` and `state` columns and `expires_at`; see `status_filter`); verdicts are computed in
Python by the refund policy.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, QuerySet, Subquery
from django.utils.functional import cached_property

from console.accounts.models import Account, Member
from console.accounts.permissions import MemberAction, member_may
from console.billing.selectors import BillingModeState, billing_mode_state
from console.core import clock
from console.core.listing import within_days
from console.packages.models import UNIT_BY_KIND, Package, PackageSource
from console.packages.status import PackageStatus, is_expired, status_filter, status_of
from console.pages.packages.query import ORDERING, SEARCH_COUNT_LIMIT, PackageQuery, Sort, Tab
from refunds import policy
from refunds.selectors import account_facts, recent_self_service_refunds, recent_self_service_refunds_of

# What a row reads, as plain values (building model instances for 100 rows costs more than the
# query); `payer__*` and `spec__name` are joined in.
ROW_FIELDS = (
    "pk", "code", "kind", "source", "total", "used", "purchased_at", "expires_at", "refunded_at",
    "reclaimed_at", "paid_cash", "paid_commission", "paid_free", "discount", "voucher", "payer_id", "payer__uin", "payer__name",
    "spec__name", "auto_renew",
)


@dataclass(frozen=True, slots=True)
class PackageTableRow:
    """One package as the table shows it: its plain values (ROW_FIELDS), status and refund verdict."""

    values: dict
    status: PackageStatus
    verdict: policy.Verdict

    @property
    def code(self) -> str:
        return self.values["code"]

    @property
    def pk(self) -> int:
        return self.values["pk"]


@dataclass(frozen=True)
class AccountSummary:
    """The page's billing mode panel, balances and self-service refunds left (its summary, which
    refreshes alone)."""

    account: Account
    allowance: int
    allowance_remaining: int
    billing_mode: BillingModeState


@dataclass(frozen=True)
class PackagePage(AccountSummary):
    query: PackageQuery
    page: Page
    rows: list[PackageTableRow]
    now: datetime


class PackagePaginator(Paginator):
    """Pages through at most SEARCH_COUNT_LIMIT packages when `capped` (a search matched more).
    The count is known already (`_counts`), so the paginator never counts again."""

    def __init__(self, object_list, per_page, *, count: int, capped: bool):
        super().__init__(object_list, per_page)
        self.known_count, self.capped = count, capped

    @cached_property
    def count(self) -> int:
        return self.known_count


class _CountOf(Subquery):
    """How many rows a queryset has (up to its slice, if sliced), as a value in another statement."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def account_summary(account: Account, *, now: datetime) -> AccountSummary:
    """Three queries: the refunds that count against the allowance, the billing-mode history and
    whether there is usage today (`billing_mode_state`)."""
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    recent = recent_self_service_refunds(account, now=now)
    return AccountSummary(
        account=account, allowance=allowance, allowance_remaining=policy.allowance_remaining(allowance, recent),
        billing_mode=billing_mode_state(account, today=now.astimezone(clock.billing_zone()).date()),
    )


def matching_packages(account: Account, query: PackageQuery, *, now: datetime) -> QuerySet[Package]:
    """The account's packages the query's tab, search, purchase dates and status filter select, in
    its order."""
    packages = Package.objects.filter(owner=account, family=Tab(query.tab))
    if query.q:
        packages = packages.filter(code__icontains=query.q)
    if query.start or query.end:
        packages = packages.filter(within_days("purchased_at", query.start, query.end))
    if query.status:
        packages = packages.filter(status_filter(query.status, billing_mode=account.billing_mode_at(now), now=now))
    return packages.order_by(*ORDERING[Sort(query.sort)])


def _counts(account: Account, packages: QuerySet[Package], *, limit: int | None, now: datetime) -> tuple[int, int]:
    """(the matching packages, counted up to `limit` + 1; the refunds counted against the
    allowance), in one statement."""
    matching = packages.order_by().values("pk")
    if limit is not None:
        matching = matching[: limit + 1]
    refunds = recent_self_service_refunds_of(account, now=now).order_by().values("pk")
    counted = Account.objects.filter(pk=account.pk).values_list(_CountOf(matching), _CountOf(refunds)).get()
    # A filter that can match nothing (a status the billing mode rules out) is no statement at all.
    return counted[0] or 0, counted[1] or 0


def package_page(*, member: Member, query: PackageQuery, now: datetime) -> PackagePage:
    """One page of the account's packages with each row's status and refund verdict."""
    account = member.account
    packages = matching_packages(account, query, now=now)
    limit = SEARCH_COUNT_LIMIT if query.q else None
    matching, recent_refunds = _counts(account, packages, limit=limit, now=now)
    capped = limit is not None and matching > limit
    rows = packages.values(*ROW_FIELDS)
    page = PackagePaginator(
        rows, query.size, count=min(matching, limit) if capped else matching, capped=capped
    ).get_page(query.page)
    facts = account_facts(account, now=now, recent_refunds=recent_refunds)
    zone = clock.billing_zone()
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    batch_max = timedelta(seconds=settings.BILLING_BATCH_MAX_SECONDS)
    may_refund = member_may(member, MemberAction.REFUND)
    billing_mode = account.billing_mode_at(now)
    rows = [
        PackageTableRow(
            values=values,
            status=status_of(
                refunded=values["refunded_at"] is not None,
                reclaimed=values["reclaimed_at"] is not None,
                kind=values["kind"],
                expired=is_expired(values["expires_at"], now),
                total=values["total"],
                used=values["used"],
                billing_mode=billing_mode,
            ),
            verdict=policy.evaluate(
                _facts(values), facts, now=now, zone=zone, allowance=allowance, billing_batch_max=batch_max,
                person_may_refund=may_refund,
            ),
        )
        for values in (page.object_list if matching else ())
    ]
    return PackagePage(
        query=query,
        page=page,
        rows=rows,
        account=account,
        now=now,
        allowance=allowance,
        allowance_remaining=policy.allowance_remaining(allowance, facts.recent_self_service_refunds),
        billing_mode=billing_mode_state(account, today=now.astimezone(zone).date()),
    )


def _facts(values: dict) -> policy.PackageFacts:
    """`refunds.selectors.package_facts` from a row's plain values."""
    return policy.PackageFacts(
        kind=values["kind"],
        purchased_at=values["purchased_at"],
        giveaway=values["source"] == PackageSource.GIVEAWAY,
        has_deductions=values["used"] > 0,
        refunded=values["refunded_at"] is not None,
        reclaimed=values["reclaimed_at"] is not None,
        paid=policy.Money(cash=values["paid_cash"], commission=values["paid_commission"], free=values["paid_free"]),
        discount=values["discount"],
        voucher=values["voucher"],
        payer_uin=values["payer__uin"],
        payer_name=values["payer__name"],
    )


EXPORT_HEADER = [
    "package_id", "type", "spec", "status", "total", "used", "remaining", "unit", "purchased_at", "expires_at",
    "auto_renew", "refunded_at",
]


def export_rows(account: Account, query: PackageQuery, *, now: datetime) -> Iterator[list]:
    """The packages the query selects, every page, as the export's rows (EXPORT_HEADER): one
    statement read in chunks, whatever the number of packages."""
    zone, billing_mode = clock.billing_zone(), account.billing_mode_at(now)
    fields = (
        "code", "kind", "spec__name", "total", "used", "purchased_at", "expires_at", "auto_renew", "refunded_at",
        "reclaimed_at",
    )
    for values in matching_packages(account, query, now=now).values(*fields).iterator(chunk_size=2000):
        refunded_at, total, used = values["refunded_at"], values["total"], values["used"]
        status = status_of(
            refunded=refunded_at is not None, reclaimed=values["reclaimed_at"] is not None,
            expired=is_expired(values["expires_at"], now), total=total, used=used, kind=values["kind"], billing_mode=billing_mode,
        )
        yield [
            values["code"], values["kind"], values["spec__name"], status.value, total, used, total - used,
            UNIT_BY_KIND[values["kind"]], values["purchased_at"].astimezone(zone).isoformat(),
            values["expires_at"].astimezone(zone).isoformat(), "yes" if values["auto_renew"] and refunded_at is None else "no",
            refunded_at.astimezone(zone).isoformat() if refunded_at else "",
        ]
