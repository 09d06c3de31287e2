"""Background work of this area: sending the outbox's mail and creating reminders.

Tasks take ids and ISO dates (JSON), never objects, and are idempotent: the outbox's `sent_at`
and claim keep a redelivered or retried mail task from sending twice, and the unique
notification per account, type and day keeps a rerun of a reminder task from reminding twice.
"""

import logging
from datetime import date, timedelta

from celery import shared_task

from console.core import clock
from console.notifications import services
from console.notifications.services import MailNotSent

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(MailNotSent,),
    retry_backoff=30,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def mail_deliver(self, outbox_id: int) -> bool:
    """Send one outbox message; retried with backoff (30 s, 1, 2, 4, 5 min) when the mail server
    fails. A lost task loses nothing: the message stays in the outbox for send_pending_mail."""
    try:
        return services.mail_send(outbox_id=outbox_id)
    except MailNotSent:
        if self.request.is_eager:
            # In-process (no broker) a retry would keep the person's request waiting: the message
            # stays in the outbox, and send_pending_mail sends it.
            return False
        raise


@shared_task(acks_late=True)
def send_pending_mail() -> int:
    """Every few minutes (beat): mail whose delivery failed or whose task was lost, once more."""
    return services.pending_mail_enqueue()


def _day(value: str | None, *, default_days_ago: int) -> date:
    return date.fromisoformat(value) if value else clock.today() - timedelta(days=default_days_ago)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expiry_reminders(day: str | None = None) -> int:
    """Daily (beat): remind accounts of packages 30, 15, 7 or 1 day(s) from expiry. `day`
    defaults to today in the billing zone."""
    return services.expiry_reminders_create(day=_day(day, default_days_ago=0))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def low_remaining_reminders(
    day: str | None = None, account_ids: list[int] | None = None, package_ids: list[int] | None = None
) -> int:
    """Remind accounts whose settlement of `day` (default yesterday) took a package below 15%
    remaining: the packages a billing shard found (`package_ids`), or, for `send_reminders`
    and a manual pass, read from the day's deductions (of `account_ids`, or everyone)."""
    return services.low_remaining_reminders_create(
        day=_day(day, default_days_ago=1), account_ids=account_ids, package_ids=package_ids
    )
