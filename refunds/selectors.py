"""Reads for refunds: the policy's plain facts from rows, and the Package/Plugin Management page
(the package table whose rows carry the policy's verdict)."""

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import QueryDict

from console.accounts.models import Account, AccountStatus, Member
from console.accounts.permissions import MemberAction, member_may
from console.core import clock
from console.packages.models import Package, PackageKind, PackageSource
from console.packages.selectors import packages_for_account
from console.packages.status import PackageStatus, package_status, status_annotation
from refunds import policy
from refunds.models import Refund, RefundChannel


def recent_self_service_refunds(account: Account, *, now: datetime) -> int:
    return Refund.objects.filter(
        owner=account,
        channel=RefundChannel.SELF_SERVICE,
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


class Tab(models.TextChoices):
    TRAFFIC = "traffic", "Traffic package"
    TRANSCODING = "transcoding", "Transcoding package"
    OTHER = "other", "Plugins & other packages"


KINDS_BY_TAB = {
    Tab.TRAFFIC: [PackageKind.TRAFFIC],
    Tab.TRANSCODING: [PackageKind.TRANSCODE_STANDARD, PackageKind.TRANSCODE_TSC],
    Tab.OTHER: [PackageKind.CO_ANCHORING, PackageKind.LICENCE],
}


class Sort(models.TextChoices):
    PURCHASED_DESC = "-purchased", "Purchase time, newest first"
    PURCHASED_ASC = "purchased", "Purchase time, oldest first"
    EXPIRES_ASC = "expires", "Expiry time, soonest first"
    EXPIRES_DESC = "-expires", "Expiry time, latest first"


# The id breaks ties so paging is stable when packages were bought in the same second.
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


@dataclass(frozen=True)
class PackageRow:
    package: Package
    status: PackageStatus
    verdict: policy.Verdict


@dataclass(frozen=True)
class PackagePage:
    query: PackageQuery
    page: Page
    rows: list[PackageRow]
    account: Account
    now: datetime
    allowance: int
    allowance_remaining: int


def package_page(*, member: Member, query: PackageQuery, now: datetime) -> PackagePage:
    """One page of the account's packages with each row's status and refund verdict.

    The number of queries does not grow with the packages: one for the account's refund facts,
    one count and one page of rows (with spec and payer joined); verdicts are computed in Python.
    """
    account = member.account
    packages = packages_for_account(account).filter(kind__in=KINDS_BY_TAB[Tab(query.tab)])
    if query.q:
        packages = packages.filter(code__icontains=query.q)
    if query.status:
        packages = packages.alias(status=status_annotation(now=now)).filter(status=query.status)
    packages = packages.order_by(*ORDERING[Sort(query.sort)])

    page = Paginator(packages, query.size).get_page(query.page)
    facts = account_facts(account, now=now)
    rows = [
        PackageRow(
            package=package,
            status=package_status(package, billing_mode=account.billing_mode, now=now),
            verdict=refund_verdict(package, account_facts=facts, now=now, member=member),
        )
        for package in page.object_list
    ]
    allowance = settings.REFUND_SELF_SERVICE_ALLOWANCE
    return PackagePage(
        query=query,
        page=page,
        rows=rows,
        account=account,
        now=now,
        allowance=allowance,
        allowance_remaining=policy.allowance_remaining(allowance, facts.recent_self_service_refunds),
    )

