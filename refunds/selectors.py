"""Reads that turn rows into the policy's plain facts."""

from datetime import datetime

from django.conf import settings

from console import clock
from console.models import Account, AccountStatus, Member, Package, PackageSource
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
        person_may_refund=member.may_refund if member is not None else True,
        overrule_abuse=overrule_abuse,
    )
