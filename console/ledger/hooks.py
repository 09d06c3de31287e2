"""What the ledger tells the areas above it: the balance alert's downward crossings.

The ledger is where every balance changes, so it is where a crossing is seen: an entry that takes
an account's available balance (cash + commission + free credits - amount owed) from at or above
its alert threshold to below it, whatever moved it (a bill, a purchase). Seen per entry, so one
crossing is told once: the entries after it start below the threshold already. Watchers (the
notices, registered from `AppConfig.ready()`) are called inside the transaction that wrote it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class BalanceCrossing:
    account_id: int
    threshold: Decimal
    before: Decimal
    after: Decimal
    kind: str  # the entry's LedgerKind: what moved the balance
    reference: str  # the entry's reference, e.g. bill:2026-03-09; names the crossing


BalanceWatcher = Callable[[BalanceCrossing], None]
_watchers: list[BalanceWatcher] = []


def balance_watcher_register(watcher: BalanceWatcher) -> None:
    if watcher not in _watchers:
        _watchers.append(watcher)


def balance_crossed(crossing: BalanceCrossing) -> None:
    for watcher in tuple(_watchers):
        watcher(crossing)


def crossing_of(*, account, threshold: Decimal | None, before: Decimal, after: Decimal, kind: str, reference: str) -> BalanceCrossing | None:
    if threshold is None or not (before >= threshold > after):
        return None
    return BalanceCrossing(account_id=account.pk, threshold=threshold, before=before, after=after, kind=kind, reference=reference)
