"""Listens to the areas below: billing announces each billed shard, reminders follow it."""

from datetime import date

from django.db import transaction
from django.dispatch import receiver

from console.billing.tasks import shard_billed


@receiver(shard_billed, dispatch_uid="notifications.low_remaining_after_shard")
def low_remaining_after_shard(sender, *, day: date, account_ids: list[int], **kwargs) -> None:
    from console.notifications.tasks import low_remaining_reminders

    transaction.on_commit(lambda: low_remaining_reminders.delay(day.isoformat(), list(account_ids)), robust=True)
