from django.core.management.base import BaseCommand
from django.db import transaction

from console.accounts.api_keys import ApiKeyLimitReached, api_key_create, secret_decrypt
from console.accounts.models import Account, ApiKey, Member, PolicyAttachment, PresetPolicy
from console.core import clock
from console.demo import data as demo_data
from console.demo.personas import PERSONAS

# The demo's API keys: the owner (may do everything) and the sub-user `viewer`, who gets the
# preset read-only CSS policy, so the API shows both an answer and a refusal of a refund.
API_KEY_USERS = {"demo": None, "viewer": PresetPolicy.LIVE_READ_ONLY_ACCESS}


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
        self.stdout.write("API keys (Tencent Cloud API 3.0 on the same address; see docs/api.md):")
        for username, (secret_id, secret_key, policy) in demo_api_keys().items():
            self.stdout.write(f"  {username}{f' ({policy})' if policy else ' (owner)'}")
            if secret_id is None:
                # Two keys already, none of them enabled: the seed obeys the same limit as the page.
                self.stdout.write(f"    {secret_key}")
                continue
            self.stdout.write(f"    SecretId={secret_id}")
            self.stdout.write(f"    SecretKey={secret_key}")


def demo_api_keys() -> dict[str, tuple[str | None, str, str | None]]:
    """An enabled key for each of API_KEY_USERS (the first one they have, or a new one), and the
    viewer's read-only policy; the SecretKeys decrypted, since this is demo data. A person who
    already has the most keys allowed and none enabled gets (None, the refusal, policy)."""
    keys = {}
    with transaction.atomic():
        for username, preset in API_KEY_USERS.items():
            member = Member.objects.select_related("user", "account").get(user__username=username)
            if preset and not PolicyAttachment.objects.filter(member=member, preset=preset).exists():
                PolicyAttachment.objects.create(member=member, preset=preset, attached_at=clock.now())
            key = ApiKey.objects.filter(member=member, enabled=True).order_by("created_at", "id").first()
            secret_key = secret_decrypt(key.secret_key_encrypted) if key else None
            if secret_key is None:
                try:
                    created = api_key_create(member=member)
                except ApiKeyLimitReached as refused:
                    keys[username] = (None, refused.message, preset.value if preset else None)
                    continue
                key, secret_key = created.key, created.secret_key
            keys[username] = (key.secret_id, secret_key, preset.value if preset else None)
    return keys
