from dataclasses import asdict, dataclass, fields
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict

from console.models import Account, Member, Package, PackageKind
from console.status import PackageStatus, package_status, status_annotation
from refunds import policy
from refunds import selectors as refund_selectors


def member_for(user: AbstractBaseUser) -> Member:
    """The console membership of a signed-in user; staff without one get a clear 403.

    Kept on the user object, which lives as long as the request, so the layout and the view
    share one lookup.
    """
    member = getattr(user, "_console_member", None)
    if member is None:
        try:
            member = Member.objects.select_related("account").get(user=user)
        except Member.DoesNotExist:
            raise PermissionDenied("This login is not linked to a cloud account.") from None
        user._console_member = member
    return member


def packages_for_account(account: Account) -> QuerySet[Package]:
    return Package.objects.filter(owner=account).select_related("spec", "payer")


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
    facts = refund_selectors.account_facts(account, now=now)
    rows = [
        PackageRow(
            package=package,
            status=package_status(package, billing_mode=account.billing_mode, now=now),
            verdict=refund_selectors.refund_verdict(package, account_facts=facts, now=now, member=member),
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


def package_for_refund(*, account: Account, package_id: int) -> Package:
    """The account's package with what the refund dialog shows; raises Package.DoesNotExist."""
    return packages_for_account(account).get(pk=package_id)
