from datetime import date, timedelta

from django.core.management.base import BaseCommand

from console.billing.usage import usage_simulate
from console.core import clock


class Command(BaseCommand):
    help = "Write plausible usage for one day (default: yesterday in the billing zone) for accounts with packages."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD in the billing zone")

    def handle(self, *args, **options):
        day = options["date"] or clock.today() - timedelta(days=1)
        written = usage_simulate(day=day)
        self.stdout.write(f"Wrote {written} usage records for {day}.")
