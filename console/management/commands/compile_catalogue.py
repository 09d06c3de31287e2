from django.core.management.base import BaseCommand

from console.i18n import catalogue_compile, catalogues


class Command(BaseCommand):
    help = (
        "Compile every translation catalogue (locale/*/LC_MESSAGES/*.po) into the .mo beside it, in "
        "Python: no GNU gettext needed. Commit the .mo with the .po; the tests check they agree."
    )

    def handle(self, *args, **options):
        for po in catalogues():
            self.stdout.write(f"Compiled {catalogue_compile(po)}")
