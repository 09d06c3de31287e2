from django.core.management.base import BaseCommand

from console.notifications.services import pending_mail_enqueue


class Command(BaseCommand):
    help = (
        "Try again every outbox message that is not sent yet (a failed delivery, a lost task). "
        "Celery beat runs it every five minutes; without a broker it sends here."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Handed {pending_mail_enqueue()} unsent messages to the mail task.")
