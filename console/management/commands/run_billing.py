from datetime import date, timedelta

from django.core.management.base import BaseCommand

from console.billing.run import DEFAULT_BATCH_SIZE, billing_run
from console.core import clock


class Command(BaseCommand):
    help = "Bill one day's usage (default: yesterday in the billing zone). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD in the billing zone")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="accounts per transaction")

    def handle(self, *args, **options):
        day = options["date"] or clock.today() - timedelta(days=1)
        self.stdout.write(str(billing_run(day=day, batch_size=options["batch_size"])))
