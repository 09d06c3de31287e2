from django.core.management.base import BaseCommand, CommandError

from console.accounts.api_keys import api_key_create
from console.core.errors import ServiceError
from console.accounts.models import Member


class Command(BaseCommand):
    help = (
        "Create an API key (Tencent Cloud API 3.0) for USERNAME and print it as two lines, "
        "SecretId=... and SecretKey=... (the SecretKey is not shown again). A person has at most two keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="a console login linked to a cloud account (owner or sub-user)")

    def handle(self, *args, username, **options):
        member = Member.objects.select_related("user", "account").filter(user__username=username).first()
        if member is None:
            raise CommandError(f"No console login {username!r} linked to a cloud account.")
        try:
            created = api_key_create(member=member)
        except ServiceError as refused:  # e.g. the two keys a person may have
            raise CommandError(refused.message) from None
        self.stdout.write(f"SecretId={created.key.secret_id}")
        self.stdout.write(f"SecretKey={created.secret_key}")
