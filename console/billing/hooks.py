"""What billing tells the areas above it, by explicit calls they register at start-up.

Billing sits below notifications in the import layers, so it cannot call them by name. Instead an
area above registers a *shard watcher* from its `AppConfig.ready()`: billing calls every watcher
with a `ShardToBill` (frozen: the day and the shard's accounts) just before it bills the shard,
and a watcher answers the function to call once every batch of the shard is committed (or None).
Whatever a watcher needs to carry from before to after lives in that function, its own; nothing
is shared between watchers and billing, and nothing they receive can be changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ShardToBill:
    """A shard about to be billed: `day` and its accounts with usage on the day, by primary key."""

    day: date
    account_ids: tuple[int, ...]


AfterShard = Callable[[], None]
ShardWatcher = Callable[[ShardToBill], AfterShard | None]

_shard_watchers: list[ShardWatcher] = []


def shard_watcher_register(watcher: ShardWatcher) -> None:
    """Call `watcher` before every shard billed from now on (once, however often registered)."""
    if watcher not in _shard_watchers:
        _shard_watchers.append(watcher)


def shard_watchers() -> tuple[ShardWatcher, ...]:
    return tuple(_shard_watchers)


def shard_watch(shard: ShardToBill) -> list[AfterShard]:
    """Call every registered watcher before `shard`; answer what to call after it, in order."""
    return [after for watcher in shard_watchers() if (after := watcher(shard)) is not None]


# --- the account's standing (console.billing.arrears) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class StandingChange:
    """One step of the overdue-payment lifecycle, told to the areas above inside the transaction
    that took it (a notice written there commits with the step, or not at all)."""

    account_id: int
    event: str
    status: str
    owed: Decimal
    deadline: datetime | None
    repossession_at: datetime | None
    warned_days: int | None
    at: datetime


StandingWatcher = Callable[[StandingChange], None]
_standing_watchers: list[StandingWatcher] = []


def standing_watcher_register(watcher: StandingWatcher) -> None:
    if watcher not in _standing_watchers:
        _standing_watchers.append(watcher)


def standing_changed(change: StandingChange) -> None:
    for watcher in tuple(_standing_watchers):
        watcher(change)
