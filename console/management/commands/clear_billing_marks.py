from django.conf import settings
from django.core.management.base import BaseCommand

from console.billing.run import stale_marks_clear
from console.core import clock


class Command(BaseCommand):
    help = (
        "Clear stale 'billing in progress' marks. A billing batch marks its accounts and clears the marks "
        "when it commits (or in its exception handler); a batch killed by SIGKILL or the out-of-memory killer "
        "whose shard is never run again (eager mode, a lost message) leaves them. A mark older than "
        "BILLING_BATCH_MAX_SECONDS (default 900, the longest a batch may run) is stale: refunds already "
        "ignore it and `check_ledger` reports it; this command removes it, under the account locks, "
        "and audits each account. Fresh marks of a running batch are left alone. Safe to run at any time."
    )

    def handle(self, *args, **options):
        cleared = stale_marks_clear(now=clock.now())
        self.stdout.write(
            f"Cleared {len(cleared)} stale billing marks (older than {settings.BILLING_BATCH_MAX_SECONDS} s)."
        )
