from datetime import date, timedelta

from django.core.management.base import BaseCommand

from console.core import clock
from console.notifications.services import expiry_reminders_create, low_remaining_reminders_create


class Command(BaseCommand):
    help = (
        "Send the day's reminders as celery beat does: expiry (packages 30, 15, 7 or 1 day from expiry) "
        "and low remaining (the previous day's settlement left a package below 15%). Safe to run again: "
        "an account gets at most one reminder of each type a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD in the billing zone (default today)")

    def handle(self, *args, **options):
        day = options["date"] or clock.today()
        expiry = expiry_reminders_create(day=day)
        low = low_remaining_reminders_create(day=day - timedelta(days=1))
        self.stdout.write(
            f"Reminders for {day}: {expiry} expiry, {low} low remaining (settlement of {day - timedelta(days=1)})."
        )
