from django.conf import settings
from django.core.management.base import BaseCommand

from console.billing.selectors import stale_billing_marks
from console.core import clock
from console.ledger.checks import ledger_drift


class Command(BaseCommand):
    help = (
        "Check every balance against its ledger entries and every package's used against its deductions, "
        "and report stale billing marks: accounts still marked 'billing in progress' longer than the longest "
        "batch may run (BILLING_BATCH_MAX_SECONDS, default 900), left by a batch killed before it could clear "
        "them. Refunds no longer wait for a stale mark; `clear_billing_marks` removes them. Exits 1 when "
        "anything is found."
    )

    def handle(self, *args, **options):
        drift = ledger_drift()
        for row in drift:
            self.stdout.write(str(row))
        stale = list(stale_billing_marks(now=clock.now()).values_list("uin", "name", "billing_started_at"))
        for uin, name, started in stale:
            self.stdout.write(f"Stale billing mark: {name} (UIN {uin}), marked at {started.isoformat()}")
        if drift:
            self.stderr.write(f"{len(drift)} drifted figures.")
        if stale:
            self.stderr.write(
                f"{len(stale)} stale billing marks (older than {settings.BILLING_BATCH_MAX_SECONDS} s): "
                "run `manage.py clear_billing_marks`."
            )
        if drift or stale:
            raise SystemExit(1)
        self.stdout.write("Ledger OK: every balance and package matches its entries; no stale billing mark.")
