import ipaddress
import os

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.functional import empty

PUBLIC_FLAG = "--public-demo-i-understand"


def is_loopback(addrport: str) -> bool:
    """Whether `manage.py runserver addrport` would listen on this machine only.

    runserver's forms: "8000" (127.0.0.1), "addr:8000", "[v6addr]:8000"; "0" is 0.0.0.0.
    """
    addrport = addrport.strip()
    if addrport.isdigit():
        return True
    addr = addrport.rpartition(":")[0] if ":" in addrport else addrport
    addr = addr.removeprefix("[").removesuffix("]")
    if addr == "localhost":
        return True
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        # Any other host name (or runserver's "0") may be reachable from anywhere.
        return False


BANNER = """
########################################################################################
#  PUBLIC DEMO on {addrport}
#  Anyone who can reach this address can sign in as ANY demo persona with one click,
#  including `admin`, a STAFF SUPERUSER, and can move the clock and wipe the data.
#  Use it only on a network where everyone may do that. Stop it with Ctrl-C.
########################################################################################
"""


def serve_like_production() -> None:
    """A demo is what people are shown: no debug pages (a wrong address answers the plain 404,
    not every URL pattern), and static files as production serves them (settings'
    SERVED_STATICFILES_STORAGE). The presenter's conveniences are demo mode's, not DEBUG's, and
    stay: the panel, the clock, the personas, mail printed to the terminal."""
    settings.DEBUG = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": settings.SERVED_STATICFILES_STORAGE}
    # Nothing has served a file yet, but forget any storage built from the settings read at start
    # (as Django's own setting_changed handler does), so the one named above is used.
    storages.__dict__.pop("backends", None)
    storages._backends = None
    storages._storages = {}
    staticfiles_storage._wrapped = empty


class Command(BaseCommand):
    help = (
        "Bring up the console with demo data: migrate, seed, and serve in demo mode. Serves on this "
        f"machine only unless {PUBLIC_FLAG} is given, because the demo hands a superuser to anyone "
        "who can reach it."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="[addr:]port to serve on")
        parser.add_argument(
            PUBLIC_FLAG, dest="public", action="store_true",
            help="serve on an address other computers can reach (anyone there becomes a superuser)",
        )

    def handle(self, *args, addrport, public=False, **options):
        if settings.PRODUCTION:
            raise CommandError("demo refuses to run with DJANGO_ENV=production: it can move the clock.")
        loopback = is_loopback(addrport)
        if not loopback and not public:
            raise CommandError(
                f"demo refuses to serve on {addrport}: other computers could reach it, and the demo's "
                "persona switch signs anyone in as any persona, the `admin` superuser included. "
                f"Serve on 127.0.0.1 (the default), or add {PUBLIC_FLAG} if everyone on that network "
                "may be a superuser."
            )
        # Before anything imports the URLconf, so the presenter panel's routes exist.
        os.environ["DEMO_MODE"] = "1"
        settings.DEMO_MODE = True
        serve_like_production()
        # The static files named by content and compressed, as production serves them (whitenoise
        # reads STATIC_ROOT when the server starts, so before runserver).
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        if not loopback:
            self.stderr.write(self.style.ERROR(BANNER.format(addrport=addrport)))
        shown = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(self.style.SUCCESS(f"Open http://{shown.replace('0.0.0.0', '127.0.0.1')}/ and log in."))
        # The logins and key pairs are shown now, not when a buffer fills: the output may be a pipe
        # or a file (`demo | tee demo.log`) while the server runs for hours.
        self.stdout.flush()
        call_command("runserver", addrport, use_reloader=False)
