"""Writes shared by every app: balance changes through the ledger, and the audit trail."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model

from console import clock
from console.models import Account, AuditEntry, Bucket, LedgerEntry, Package
from console.models.ledger import BALANCE_FIELD


class InsufficientBalance(Exception):
    pass


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


def actor_label(actor: AbstractBaseUser | None) -> str:
    if actor is None:
        return "system"
    return actor.get_username() + (" (staff)" if getattr(actor, "is_staff", False) else "")


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: Model,
    account: Account | None = None,
    before: dict | None = None,
    after: dict | None = None,
    verdict: dict | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label(actor),
        action=action,
        account=account,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        verdict=verdict,
        note=note,
    )
