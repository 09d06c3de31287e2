"""Reads for refunds: the policy's plain facts from rows, its verdict on a package, and the
account's refund records. Pages that show them live in console.pages."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from console.accounts.models import Account, AccountStatus, Member
from console.accounts.permissions import MemberAction, member_may
from console.core import clock
from console.packages.models import Package, PackageSource
from refunds import policy
from refunds.models import CHANNEL_CHOICES, Refund


def recent_self_service_refunds_of(account: Account, *, now: datetime) -> models.QuerySet[Refund]:
    """The refunds that count against the account's self-service allowance now."""
    return Refund.objects.filter(
        owner=account,
        channel__in=policy.SELF_SERVICE_CHANNELS,
        created_at__gt=now - policy.ALLOWANCE_PERIOD,
    )


def recent_self_service_refunds(account: Account, *, now: datetime) -> int:
    return recent_self_service_refunds_of(account, now=now).count()


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
        reclaimed=package.is_reclaimed,
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


def refund_records_for(account: Account, *, channel: str = "") -> models.QuerySet[Refund]:
    """The account's refunds, newest first, with what each row shows joined in; `channel`, when it
    names one, keeps that channel's."""
    refunds = Refund.objects.filter(owner=account).select_related("package__spec", "payer", "requested_by")
    if channel in dict(CHANNEL_CHOICES):
        refunds = refunds.filter(channel=channel)
    return refunds.order_by("-created_at", "-id")
