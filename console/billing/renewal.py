"""Auto-renewal during billing: a package marked to renew buys its spec again when its type
runs out (the setting itself is `console.packages.services.package_auto_renew_set`)."""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from console.accounts.models import Account
from console.core.audit import AuditAction, audit_record
from console.packages.models import Package, PackageSpec, RenewalFailure
from console.purchases.services import PurchaseRefused, buy_locked

MAX_RENEWALS_PER_TYPE_PER_DAY = 20


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
            raise PurchaseRefused(_("%(spec)s is no longer on sale.") % {"spec": spec}, field="spec")
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
    # The new package remembers which one it renewed (the API's RenewalResult reads it).
    Package.objects.filter(pk=renewed.pk).update(renewed_from_id=renewing_id)
    renewed.renewed_from_id = renewing_id
    # Recorded on the old package, whose page then says where its auto-renewal went.
    audit_record(
        actor=None, action=AuditAction.PACKAGE_AUTO_RENEW_SET, obj=Package(pk=renewing_id), account=account,
        before={"auto_renew": True}, after={"auto_renew": False, "moved_to": renewed.code},
        note=f"Auto-renewal bought {renewed.code} when this type ran out.",
    )
    return renewed
