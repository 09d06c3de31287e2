"""Reads for refunds: the policy's plain facts from rows, and the Package/Plugin Management page
(the package table whose rows carry the policy's verdict)."""

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from console.accounts.models import Account, AccountStatus, Member
from console.accounts.permissions import MemberAction, member_may
from console.core import clock
from console.packages.models import Package, PackageFamily, PackageKind, PackageSource
from console.packages.status import PackageStatus, status_filter, status_of
from refunds import policy
from refunds.models import SELF_SERVICE_CHANNELS, Refund


def recent_self_service_refunds(account: Account, *, now: datetime) -> int:
    return Refund.objects.filter(
        owner=account,
        channel__in=SELF_SERVICE_CHANNELS,
        created_at__gt=now - policy.ALLOWANCE_PERIOD,
    ).count()


def account_facts(account: Account, *, now: datetime) -> policy.AccountFacts:
    return policy.AccountFacts(
        suspended_for_violation=account.status == AccountStatus.SUSPENDED_VIOLATION,
        billing_in_progress=account.billing_in_progress,
        recent_self_service_refunds=recent_self_service_refunds(account, now=now),
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

# The columns a row needs, read as plain values: building model instances for 100 rows costs
# more than the query.
ROW_FIELDS = (
    "pk", "code", "kind", "source", "total", "used", "purchased_at", "expires_at", "refunded_at",
    "paid_cash", "paid_commission", "paid_free", "discount", "voucher",
    "payer_id", "payer__uin", "payer__name", "spec__name",
)


# A search by part of a package ID counts its matches up to here: "lvpkg" matches every package,
# and counting 10,000 matches would cost more than the rest of the page. Its pages stop here too.
SEARCH_COUNT_LIMIT = 1000


class SearchPaginator(Paginator):
    @cached_property
    def _counted(self) -> int:
        return self.object_list[: SEARCH_COUNT_LIMIT + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, SEARCH_COUNT_LIMIT)

    @property
    def capped(self) -> bool:
        return self._counted > SEARCH_COUNT_LIMIT


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
class PackagePage:
    query: PackageQuery
    page: Page
    rows: list[PackageRow]
    account: Account
    now: datetime
    allowance: int
    allowance_remaining: int


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


def package_page(*, member: Member, query: PackageQuery, now: datetime) -> PackagePage:
    """One page of the account's packages with each row's status and refund verdict.

    Three queries whatever the number of packages: the account's refund count, the page's count and
    its rows. The tab, the status filter and every sort order are answered from the package
    page's indexes (`family`, stored `state` and `expires_at`; see `status_filter`); verdicts are
    computed in Python.
    """
    account = member.account
    packages = Package.objects.filter(owner=account, family=Tab(query.tab))
    if query.q:
        packages = packages.filter(code__icontains=query.q)
    if query.status:
        packages = packages.filter(status_filter(query.status, billing_mode=account.billing_mode, now=now))
    packages = packages.order_by(*ORDERING[Sort(query.sort)])

    # Counted without the joins the rows need; the page's rows are then read as plain values.
    paginator = (SearchPaginator if query.q else Paginator)(packages, query.size)
    page = paginator.get_page(query.page)
    page.object_list = list(page.object_list.values(*ROW_FIELDS))
    facts = account_facts(account, now=now)
    zone = clock.billing_zone()
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    may_refund = member_may(member, MemberAction.REFUND)
    rows = [
        PackageRow(
            values=values,
            status=status_of(
                refunded=values["refunded_at"] is not None,
                expires_at=values["expires_at"],
                total=values["total"],
                used=values["used"],
                billing_mode=account.billing_mode,
                now=now,
            ),
            verdict=policy.evaluate(
                _facts(values), facts, now=now, zone=zone, allowance=allowance, person_may_refund=may_refund
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
