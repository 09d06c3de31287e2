from django.core.management.base import BaseCommand

from console.ledger.checks import ledger_drift


class Command(BaseCommand):
    help = "Check every balance against its ledger entries and every package's used against its deductions."

    def handle(self, *args, **options):
        drift = ledger_drift()
        for row in drift:
            self.stdout.write(str(row))
        if drift:
            self.stderr.write(f"{len(drift)} drifted figures.")
            raise SystemExit(1)
        self.stdout.write("Ledger OK: every balance and package matches its entries.")
