"""The one way a balance changes: a ledger entry written with it.

`ledger_post` writes one entry; `ledger_post_many` writes many entries to one bucket in two
statements (the billing run's pay-as-you-go charges). Both compute the new balance in Python with
Decimal and write the exact figure, so balances add up on every database.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from console.accounts.models import Account
from console.core import clock
from console.core.bulk import bulk_insert, bulk_set
from console.core.errors import Conflict
from console.core.money import is_cents
from console.ledger.hooks import balance_crossed, crossing_of
from console.ledger.memos import Memo
from console.ledger.models import BALANCE_FIELD, Bucket, LedgerEntry
from console.packages.models import Package


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_post must run inside transaction.atomic()")


def _require_amount(amount: Decimal) -> None:
    if amount == 0:
        raise ValueError("A ledger entry moves a non-zero amount")
    if not is_cents(amount):
        # A MONEY column would round it, and the balance would drift from its entries.
        raise ValueError(f"A ledger entry moves whole cents, not {amount}")


def ledger_post(
    *,
    account: Account,
    bucket: Bucket,
    amount: Decimal,
    kind: str,
    package: Package | None = None,
    reference: str = "",
    memo: Memo = Memo(),
    at: datetime | None = None,
) -> LedgerEntry:
    """Credit (amount > 0) or debit (amount < 0) one bucket of a locked account.

    The caller holds the account row with select_for_update inside a transaction; the balance
    and its entry are written together, so they cannot drift apart.
    """
    _require_transaction()
    _require_amount(amount)
    field = BALANCE_FIELD[Bucket(bucket)]
    new_balance = getattr(account, field) + amount
    if new_balance < 0:
        raise InsufficientBalance(f"{Bucket(bucket).label} balance is too low")
    available_before = account.available_balance
    setattr(account, field, new_balance)
    account.save(update_fields=[field])
    crossing = crossing_of(
        account=account, threshold=account.balance_alert_threshold, before=available_before,
        after=account.available_balance, kind=kind, reference=reference,
    )
    if crossing is not None:
        balance_crossed(crossing)
    return LedgerEntry.objects.create(
        account=account,
        bucket=bucket,
        amount=amount,
        balance_after=new_balance,
        kind=kind,
        package=package,
        reference=reference,
        memo_kind=memo.kind,
        memo_params=dict(memo.params),
        memo=memo.note,
        # `at` only for the demo seed, which records purchases made days ago; everything else is now.
        created_at=at or clock.now(),
    )


@dataclass(frozen=True, slots=True)
class Posting:
    """One entry for `ledger_post_many`: `account` is the caller's locked row."""

    account: Account
    amount: Decimal
    kind: str
    reference: str = ""
    memo: Memo = Memo()
    package_id: int | None = None


ENTRY_FIELDS = (
    "account_id", "bucket", "amount", "balance_after", "kind", "package_id", "reference",
    "memo_kind", "memo_params", "memo", "created_at",
)


def ledger_post_many(*, bucket: Bucket, postings: Sequence[Posting], at: datetime | None = None) -> int:
    """Post many entries to one bucket of locked accounts: one INSERT of the entries and one
    UPDATE of the balances, however many accounts.

    The rules of `ledger_post` hold for each posting, in order (several postings to one account
    follow each other, each entry recording the balance after it). All or nothing: a balance
    that would go negative raises InsufficientBalance before anything is written. The caller
    holds every account locked inside a transaction; their balances are updated in memory too.
    Returns the number of entries written.
    """
    _require_transaction()
    if not postings:
        return 0
    bucket = Bucket(bucket)
    field = BALANCE_FIELD[bucket]
    # `at` only for the demo seed, which bills a day as it was billed hours ago; everything else is now.
    now = at or clock.now()
    balances: dict[int, Decimal] = {}
    rows = []
    for posting in postings:
        _require_amount(posting.amount)
        account_id = posting.account.pk
        balance = balances.get(account_id, getattr(posting.account, field)) + posting.amount
        if balance < 0:
            raise InsufficientBalance(f"{bucket.label} balance is too low")
        balances[account_id] = balance
        rows.append((
            account_id, bucket.value, posting.amount, balance, posting.kind, posting.package_id,
            posting.reference, posting.memo.kind, dict(posting.memo.params), posting.memo.note, now,
        ))
    bulk_insert(LedgerEntry, ENTRY_FIELDS, rows)
    bulk_set(Account, field, balances)
    crossings = []
    for posting in postings:
        before = posting.account.available_balance
        # Each posting in order (several to one account follow each other), as their entries did.
        setattr(posting.account, field, getattr(posting.account, field) + posting.amount)
        crossing = crossing_of(
            account=posting.account, threshold=posting.account.balance_alert_threshold, before=before,
            after=posting.account.available_balance, kind=posting.kind, reference=posting.reference,
        )
        if crossing is not None:
            crossings.append(crossing)
    for crossing in crossings:
        balance_crossed(crossing)
    return len(rows)
