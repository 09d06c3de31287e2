"""Listens to the areas below: billing announces each shard it bills, the low-remaining
reminders follow it.

Before the shard, which of its accounts' packages have at least 15% left (one indexed read of
the shard's packages); after it, which of those have less: the crossings of the day's
settlement, found without reading the deductions, however long their history. Accounts of the
shard that an earlier attempt already billed (a worker died half-way) are not in that picture;
for those few the crossings are read from the day's deductions instead.
"""

from datetime import date

from django.db import transaction
from django.dispatch import receiver

from console.billing.tasks import shard_billed, shard_billing
from console.notifications import selectors


@receiver(shard_billing, dispatch_uid="notifications.low_remaining_before_shard")
def low_remaining_before_shard(sender, *, day: date, account_ids: list[int], context: dict, **kwargs) -> None:
    context["low_remaining"] = selectors.remaining_snapshot(day=day, account_ids=account_ids)


@receiver(shard_billed, dispatch_uid="notifications.low_remaining_after_shard")
def low_remaining_after_shard(sender, *, day: date, account_ids: list[int], context: dict, **kwargs) -> None:
    snapshot = context.get("low_remaining")
    if snapshot is None:
        return
    package_ids = selectors.low_remaining_crossed(snapshot, day=day)
    if package_ids:
        from console.notifications.tasks import low_remaining_reminders

        transaction.on_commit(
            lambda: low_remaining_reminders.delay(day.isoformat(), package_ids=package_ids), robust=True
        )
