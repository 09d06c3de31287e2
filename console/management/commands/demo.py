import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Bring up the console with demo data: migrate, seed, and serve in demo mode."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="[addr:]port to serve on")

    def handle(self, *args, addrport, **options):
        if settings.PRODUCTION:
            raise CommandError("demo refuses to run with DJANGO_ENV=production: it can move the clock.")
        # Before anything imports the URLconf, so the presenter panel's routes exist.
        os.environ["DEMO_MODE"] = "1"
        settings.DEMO_MODE = True
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Open http://{addrport.replace('0.0.0.0', '127.0.0.1')}/ and log in."))
        call_command("runserver", addrport, use_reloader=False)
