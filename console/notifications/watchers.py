"""The low-remaining reminders watch every shard the daily billing bills (console.billing.hooks).

Before the shard, which of its accounts' packages have at least 15% left (one indexed read of
the shard's packages); after it, which of those have less: the crossings of the day's
settlement, found without reading the deductions, however long their history. Accounts of the
shard that an earlier attempt already billed (a worker died half-way) are not in that picture;
for those few the crossings are read from the day's deductions instead.
"""

from django.db import transaction

from console.billing.hooks import AfterShard, ShardToBill
from console.notifications import selectors


def low_remaining_watch(shard: ShardToBill) -> AfterShard:
    """Registered with billing by NotificationsConfig.ready()."""
    snapshot = selectors.remaining_snapshot(day=shard.day, account_ids=list(shard.account_ids))

    def after_shard() -> None:
        package_ids = selectors.low_remaining_crossed(snapshot, day=shard.day)
        if package_ids:
            from console.notifications.tasks import low_remaining_reminders

            transaction.on_commit(
                lambda: low_remaining_reminders.delay(shard.day.isoformat(), package_ids=package_ids), robust=True
            )

    return after_shard
