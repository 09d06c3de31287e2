"""The one way a balance changes: a ledger entry written with it."""

from decimal import Decimal

from django.db import transaction

from console.accounts.models import Account
from console.core import clock
from console.core.errors import Conflict
from console.ledger.models import BALANCE_FIELD, Bucket, LedgerEntry
from console.packages.models import Package


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


def ledger_post(
    *,
    account: Account,
    bucket: Bucket,
    amount: Decimal,
    kind: str,
    package: Package | None = None,
    reference: str = "",
    memo: str = "",
) -> LedgerEntry:
    """Credit (amount > 0) or debit (amount < 0) one bucket of a locked account.

    The caller holds the account row with select_for_update inside a transaction; the balance
    and its entry are written together, so they cannot drift apart.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_post must run inside transaction.atomic()")
    if amount == 0:
        raise ValueError("A ledger entry moves a non-zero amount")
    field = BALANCE_FIELD[Bucket(bucket)]
    new_balance = getattr(account, field) + amount
    if new_balance < 0:
        raise InsufficientBalance(f"{Bucket(bucket).label} balance is too low")
    setattr(account, field, new_balance)
    account.save(update_fields=[field])
    return LedgerEntry.objects.create(
        account=account,
        bucket=bucket,
        amount=amount,
        balance_after=new_balance,
        kind=kind,
        package=package,
        reference=reference,
        memo=memo,
        created_at=clock.now(),
    )
