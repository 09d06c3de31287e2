from django.core.management.base import BaseCommand, CommandError

from console.accounts.models import Account
from console.billing.models import TopUpChannel
from console.billing.topup import account_top_up
from console.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Record a payment received for the account with UIN (a bank transfer, for scripts): it pays what "
        "the account owes first, then credits cash, and lifts a suspension for overdue payment once "
        "nothing is owed. --key makes it idempotent: the same key records the payment once."
    )

    def add_arguments(self, parser):
        parser.add_argument("uin", type=int)
        parser.add_argument("amount", help="USD, in whole cents, e.g. 120.50")
        parser.add_argument("--key", required=True, help="idempotency key (e.g. the bank's transfer ID), at most 64 characters")
        parser.add_argument("--note", default="", help="what the payment was (kept with the top-up)")

    def handle(self, *args, uin, amount, key, note, **options):
        account = Account.objects.filter(uin=uin).first()
        if account is None:
            raise CommandError(f"No account with UIN {uin}.")
        try:
            result = account_top_up(
                account_id=account.pk, amount=amount, idempotency_key=key, channel=TopUpChannel.COMMAND, note=note,
            )
        except ServiceError as refused:
            raise CommandError(refused.message) from None
        top_up = result.top_up
        self.stdout.write(
            f"{top_up.receipt_code}{' (already recorded)' if result.replayed else ''}: USD {top_up.amount} "
            f"= {top_up.to_owed} to the amount owed + {top_up.to_cash} to cash; status {top_up.status_before} -> {top_up.status_after}"
        )
