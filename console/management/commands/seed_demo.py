from django.core.management.base import BaseCommand

from console.accounts.models import Account
from console.demo import data as demo_data
from console.demo.personas import PERSONAS


class Command(BaseCommand):
    help = "Create the demo accounts, logins and packages (idempotent; --reset starts over)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Empty the whole database first. Only for a demo database.",
        )

    def handle(self, *args, reset=False, **options):
        if reset:
            demo_data.demo_reset()
            self.stdout.write("Demo data reset.")
        elif not Account.objects.filter(uin=demo_data.DEMO_UIN).exists():
            demo_data.demo_seed()
            self.stdout.write("Demo data created.")
        elif not demo_data.seeded_today():
            # Package times are relative to the day of seeding; yesterday's seed has drifted.
            demo_data.demo_reset()
            self.stdout.write("Demo data was from an earlier day: reset to today.")
        else:
            self.stdout.write("Demo data already in place.")
        self.stdout.write("Logins (password = user name):")
        for username, who in PERSONAS.items():
            self.stdout.write(f"  {username:<10} {who}")
