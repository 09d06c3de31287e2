"""Auto-renewal: one package per type per account may renew itself when its type runs out."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from console.billing.purchase import PurchaseRefused, buy_locked
from console.models import Account, Package, PackageSpec, RenewalFailure
from console.services import audit_record

MAX_RENEWALS_PER_TYPE_PER_DAY = 20


class AutoRenewRefused(Exception):
    pass


def package_auto_renew_set(*, package_id: int, account: Account, enabled: bool, actor: AbstractBaseUser) -> Package:
    """Turn auto-renewal on or off for one of the account's packages.

    Turning it on turns it off on the account's other packages of the same type: the real
    console renews one package per type.
    """
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=account.pk)
        package = Package.objects.select_for_update().filter(pk=package_id, owner=account).first()
        if package is None:
            raise Package.DoesNotExist(package_id)
        if enabled and package.is_refunded:
            raise AutoRenewRefused("A refunded package cannot renew.")
        others = []
        if enabled:
            others = list(
                Package.objects.select_for_update()
                .filter(owner=account, kind=package.kind, auto_renew=True)
                .exclude(pk=package.pk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            Package.objects.filter(pk__in=others).update(auto_renew=False)
        before = package.auto_renew
        package.auto_renew = enabled
        package.save(update_fields=["auto_renew"])
        audit_record(
            actor=actor, action="package.auto_renew_set", obj=package, account=account,
            before={"auto_renew": before}, after={"auto_renew": enabled, "turned_off_on": others},
        )
    return package


def renew_locked(
    *, account: Account, renewing_id: int, spec_id: int, usage_date: date, attempt: int, now: datetime
) -> Package | None:
    """Buy the renewing package's spec again from the balance, moving the auto-renew mark to the new package.

    The caller holds the account and the package locked. A failure is recorded on the package
    (shown on its page) and answered with None, so the day's usage goes to pay-as-you-go.
    """
    spec = PackageSpec.objects.get(pk=spec_id)
    try:
        if not spec.on_sale:
            raise PurchaseRefused("spec", f"{spec} is no longer on sale.")
        # A savepoint, so a refused renewal leaves the rest of the batch's work in place.
        with transaction.atomic():
            renewed = buy_locked(
                account=account, spec=spec, actor=None, now=now, auto_renew=True,
                idempotency_key=f"renew:{renewing_id}:{usage_date.isoformat()}:{attempt}",
            )
    except PurchaseRefused as refused:
        RenewalFailure.objects.create(package_id=renewing_id, usage_date=usage_date, at=now, reason=refused.message[:200])
        return None
    Package.objects.filter(pk=renewing_id).update(auto_renew=False)
    return renewed
