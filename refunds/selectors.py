"""Reads for refunds: the policy's plain facts from rows, and the Package/Plugin Management page
(the package table whose rows carry the policy's verdict)."""

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from console.accounts.models import Account, AccountStatus, Member
from console.accounts.permissions import MemberAction, member_may
from console.core import clock, reads
from console.packages.models import Package, PackageFamily, PackageKind, PackageSource, PackageSpec
from console.packages.status import PackageStatus, status_filter, status_of
from refunds import policy
from refunds.models import Refund


def _recent_self_service_refunds(account: Account, *, now: datetime) -> models.QuerySet:
    """The refunds that count against the account's self-service allowance now."""
    return Refund.objects.filter(
        owner=account,
        channel__in=policy.SELF_SERVICE_CHANNELS,
        created_at__gt=now - policy.ALLOWANCE_PERIOD,
    )


def recent_self_service_refunds(account: Account, *, now: datetime) -> int:
    return _recent_self_service_refunds(account, now=now).count()


def account_facts(account: Account, *, now: datetime, recent_refunds: int | None = None) -> policy.AccountFacts:
    """`recent_refunds`, when the caller has counted them already, saves the query."""
    if recent_refunds is None:
        recent_refunds = recent_self_service_refunds(account, now=now)
    return policy.AccountFacts(
        suspended_for_violation=account.status == AccountStatus.SUSPENDED_VIOLATION,
        billing_started_at=account.billing_started_at,
        recent_self_service_refunds=recent_refunds,
    )


def package_facts(package: Package) -> policy.PackageFacts:
    """`package.payer` should be loaded with select_related when facts are built in bulk."""
    return policy.PackageFacts(
        kind=package.kind,
        purchased_at=package.purchased_at,
        giveaway=package.source == PackageSource.GIVEAWAY,
        # `used` is the sum of the package's deductions (check_ledger holds it to that), and
        # every deduction is positive, so used > 0 exactly when a deduction ever happened.
        has_deductions=package.used > 0,
        refunded=package.is_refunded,
        paid=policy.Money(cash=package.paid_cash, commission=package.paid_commission, free=package.paid_free),
        discount=package.discount,
        voucher=package.voucher,
        payer_uin=package.payer.uin,
        payer_name=package.payer.name,
    )


def refund_verdict(
    package: Package,
    *,
    account_facts: policy.AccountFacts,
    now: datetime | None = None,
    member: Member | None = None,
    via: policy.Channel = policy.Channel.SELF_SERVICE,
    overrule_abuse: bool = False,
) -> policy.Verdict:
    return policy.evaluate(
        package_facts(package),
        account_facts,
        now=now or clock.now(),
        zone=clock.billing_zone(),
        allowance=settings.REFUND_SELF_SERVICE_ALLOWANCE,
        billing_batch_max=timedelta(seconds=settings.BILLING_BATCH_MAX_SECONDS),
        via=via,
        person_may_refund=member_may(member, MemberAction.REFUND) if member is not None else True,
        overrule_abuse=overrule_abuse,
    )


# --- the Package/Plugin Management page -----------------------------------------------------

# The tabs are the package families, which the database keeps beside each package.
Tab = PackageFamily

KINDS_BY_TAB = {
    Tab.TRAFFIC: [PackageKind.TRAFFIC],
    Tab.TRANSCODING: [PackageKind.TRANSCODE_STANDARD, PackageKind.TRANSCODE_TSC],
    Tab.OTHER: [PackageKind.CO_ANCHORING, PackageKind.LICENCE],
}


class Sort(models.TextChoices):
    PURCHASED_DESC = "-purchased", gettext_lazy("Purchase time, newest first")
    PURCHASED_ASC = "purchased", gettext_lazy("Purchase time, oldest first")
    EXPIRES_ASC = "expires", gettext_lazy("Expiry time, soonest first")
    EXPIRES_DESC = "-expires", gettext_lazy("Expiry time, latest first")


# The id breaks ties so paging is stable when packages were bought in the same second. Each order
# is one of the package page's indexes read forwards or backwards (console.packages.models).
ORDERING = {
    Sort.PURCHASED_DESC: ("-purchased_at", "-id"),
    Sort.PURCHASED_ASC: ("purchased_at", "id"),
    Sort.EXPIRES_ASC: ("expires_at", "id"),
    Sort.EXPIRES_DESC: ("-expires_at", "-id"),
}

PAGE_SIZES = (10, 20, 50, 100)
# As a drop-down's (value, label) pairs, for the query form and the page's filter.
PAGE_SIZE_CHOICES = [(size, size) for size in PAGE_SIZES]


@dataclass(frozen=True)
class PackageQuery:
    """What the package table shows; every field has a default, so any URL draws a page."""

    tab: str = Tab.TRAFFIC
    status: str = ""
    q: str = ""
    sort: str = Sort.PURCHASED_DESC
    page: int = 1
    size: int = PAGE_SIZES[0]

    def as_querydict(self) -> QueryDict:
        """The non-default values, for links and the address bar (the tab is always spelt out)."""
        params = QueryDict(mutable=True)
        for name, value in asdict(self).items():
            if name == "tab" or value != _DEFAULTS[name]:
                params[name] = str(value)
        return params


_DEFAULTS = {f.name: f.default for f in fields(PackageQuery)}

# The columns a row needs, read as plain values (building model instances for 100 rows costs more
# than the query): the key in a row's values, then the model and field it is read from.
ROW_COLUMNS = (
    ("pk", Package, "id"), ("code", Package, "code"), ("kind", Package, "kind"), ("source", Package, "source"),
    ("total", Package, "total"), ("used", Package, "used"), ("purchased_at", Package, "purchased_at"),
    ("expires_at", Package, "expires_at"), ("refunded_at", Package, "refunded_at"),
    ("paid_cash", Package, "paid_cash"), ("paid_commission", Package, "paid_commission"),
    ("paid_free", Package, "paid_free"), ("discount", Package, "discount"), ("voucher", Package, "voucher"),
    ("payer_id", Package, "payer"), ("payer__uin", Account, "uin"), ("payer__name", Account, "name"),
    ("spec__name", PackageSpec, "name"),
)
ROW_FIELDS = tuple(key for key, _model, _field in ROW_COLUMNS)
# Their model fields, looked up once rather than on every page.
_ROW_MODEL_FIELDS = tuple(model._meta.get_field(field) for _key, model, field in ROW_COLUMNS)


# A search by part of a package ID counts its matches up to here: "lvpkg" matches every package,
# and counting 10,000 matches would cost more than the rest of the page. Its pages stop here too.
SEARCH_COUNT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class PackageRow:
    """One package as the table shows it: its plain values, status and refund verdict."""

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
    """The page's balances and self-service refunds left (its summary, which refreshes alone)."""

    account: Account
    allowance: int
    allowance_remaining: int


@dataclass(frozen=True)
class PackagePage(AccountSummary):
    query: PackageQuery
    page: Page
    rows: list[PackageRow]
    now: datetime


def account_summary(account: Account, *, now: datetime) -> AccountSummary:
    """One query: the refunds that count against the allowance."""
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    recent = recent_self_service_refunds(account, now=now)
    return AccountSummary(
        account=account, allowance=allowance, allowance_remaining=policy.allowance_remaining(allowance, recent)
    )


def _facts(values: dict) -> policy.PackageFacts:
    """`package_facts` from a row's plain values."""
    return policy.PackageFacts(
        kind=values["kind"],
        purchased_at=values["purchased_at"],
        giveaway=values["source"] == PackageSource.GIVEAWAY,
        has_deductions=values["used"] > 0,
        refunded=values["refunded_at"] is not None,
        paid=policy.Money(cash=values["paid_cash"], commission=values["paid_commission"], free=values["paid_free"]),
        discount=values["discount"],
        voucher=values["voucher"],
        payer_uin=values["payer__uin"],
        payer_name=values["payer__name"],
    )


# --- the page's two queries -------------------------------------------------------------------
#
# Written around the WHERE clauses the ORM compiles from the page's filters (console.core.reads
# says why, with the measurements): the status rule stays `status_filter`, the search `icontains`,
# the allowance `_recent_self_service_refunds`. tests/refunds/test_package_page_query.py checks the
# rows and counts against those querysets for every tab, status, sort and search.


def _counts(packages: tuple[str, list], refunds: models.QuerySet, *, limit: int | None) -> tuple[int, int]:
    """(the packages matching the WHERE clause `packages`, counted up to `limit` + 1; the
    refunds), in one round trip."""
    package_where, package_params = packages
    refund_where, refund_params = reads.where_sql(refunds)
    capped = " LIMIT %s" if limit is not None else ""
    sql = (
        f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {reads.table(Package)} WHERE {package_where}{capped}) matching),"
        f" (SELECT COUNT(*) FROM {reads.table(Refund)} WHERE {refund_where})"
    )
    params = [*package_params, *([limit + 1] if limit is not None else []), *refund_params]
    ((matching, refunds_counted),) = reads.select_rows(sql, params)
    return matching, refunds_counted


def _rows(packages: tuple[str, list], order: tuple[str, ...], *, offset: int, limit: int) -> list[dict]:
    """One page of the packages matching the WHERE clause `packages`, in `order`, each row a dict
    of ROW_COLUMNS."""
    where, params = packages
    column = reads.column
    ordering = ", ".join(
        f"{column(Package, name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}" for name in order
    )
    sql = (
        f"SELECT {', '.join(column(model, field) for _key, model, field in ROW_COLUMNS)}"
        f" FROM {reads.table(Package)}"
        f" INNER JOIN {reads.table(Account)} ON {column(Account, 'id')} = {column(Package, 'payer')}"
        f" INNER JOIN {reads.table(PackageSpec)} ON {column(PackageSpec, 'id')} = {column(Package, 'spec')}"
        f" WHERE {where} ORDER BY {ordering} LIMIT %s OFFSET %s"
    )
    return [dict(zip(ROW_FIELDS, row)) for row in reads.select_rows(sql, [*params, limit, offset], _ROW_MODEL_FIELDS)]


class _Counted:
    """What the Paginator pages through: the count is known, and a slice reads those rows."""

    ordered = True

    def __init__(self, count: int, read):
        self._count, self._read = count, read

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, part: slice) -> list[dict]:
        size = part.stop - part.start
        return self._read(offset=part.start, size=size) if size > 0 else []


class PackagePaginator(Paginator):
    """Pages through at most SEARCH_COUNT_LIMIT packages when `capped` (a search matched more)."""

    def __init__(self, object_list, per_page, *, capped: bool):
        super().__init__(object_list, per_page)
        self.capped = capped


def package_page(*, member: Member, query: PackageQuery, now: datetime) -> PackagePage:
    """One page of the account's packages with each row's status and refund verdict.

    Two queries whatever the number of packages (`_counts`, `_rows`), none when the page is empty.
    The tab, the status filter and every sort order are answered from the package page's indexes
    (`family`, stored `state` and `expires_at`; see `status_filter`); verdicts are computed in
    Python.
    """
    account = member.account
    packages = Package.objects.filter(owner=account, family=Tab(query.tab))
    if query.q:
        packages = packages.filter(code__icontains=query.q)
    if query.status:
        packages = packages.filter(status_filter(query.status, billing_mode=account.billing_mode, now=now))
    where = reads.where_sql(packages)
    limit = SEARCH_COUNT_LIMIT if query.q else None
    matching, recent_refunds = _counts(where, _recent_self_service_refunds(account, now=now), limit=limit)
    capped = limit is not None and matching > limit
    order = ORDERING[Sort(query.sort)]
    counted = _Counted(
        min(matching, limit) if capped else matching,
        lambda offset, size: _rows(where, order, offset=offset, limit=size),
    )
    page = PackagePaginator(counted, query.size, capped=capped).get_page(query.page)
    facts = account_facts(account, now=now, recent_refunds=recent_refunds)
    zone = clock.billing_zone()
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    batch_max = timedelta(seconds=settings.BILLING_BATCH_MAX_SECONDS)
    may_refund = member_may(member, MemberAction.REFUND)
    billing_mode = account.billing_mode
    rows = [
        PackageRow(
            values=values,
            status=status_of(
                refunded=values["refunded_at"] is not None,
                expires_at=values["expires_at"],
                total=values["total"],
                used=values["used"],
                billing_mode=billing_mode,
                now=now,
            ),
            verdict=policy.evaluate(
                _facts(values), facts, now=now, zone=zone, allowance=allowance, billing_batch_max=batch_max,
                person_may_refund=may_refund,
            ),
        )
        for values in page.object_list
    ]
    return PackagePage(
        query=query,
        page=page,
        rows=rows,
        account=account,
        now=now,
        allowance=allowance,
        allowance_remaining=policy.allowance_remaining(allowance, facts.recent_self_service_refunds),
    )
