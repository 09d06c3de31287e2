"""The balance alert (Billing Center): the owner's threshold below which the account is told its
available balance fell. The crossing itself is seen by the ledger (`console.ledger.hooks`); who
receives it is chosen with the other messages (Message Subscription, "Balance alert")."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Member
from console.accounts.permissions import member_may_manage_access
from console.core.audit import AuditAction, audit_record
from console.core.errors import InvalidRequest, PermissionRefused
from console.core.money import is_cents
from console.packages.locks import account_lock

MAX_THRESHOLD = Decimal("1000000.00")


def balance_alert_set(*, member: Member, threshold: Decimal | None) -> None:
    """Set (or, with None, turn off) the account's balance alert threshold. Only the owner."""
    if not member_may_manage_access(member):
        raise PermissionRefused(_("Only the account owner sets the balance alert."))
    if threshold is not None and (not is_cents(threshold) or not Decimal("0") <= threshold <= MAX_THRESHOLD):
        raise InvalidRequest(_("Enter a threshold between USD 0.00 and USD 1,000,000.00, in whole cents."), field="threshold")
    with transaction.atomic():
        account = account_lock(member.account_id)
        before = account.balance_alert_threshold
        account.balance_alert_threshold = threshold
        account.save(update_fields=["balance_alert_threshold"])
        audit_record(
            actor=member.user, action=AuditAction.BALANCE_ALERT_SET, obj=account, account=account,
            before={"threshold": None if before is None else str(before)},
            after={"threshold": None if threshold is None else str(threshold)},
        )
    member.account.balance_alert_threshold = threshold
