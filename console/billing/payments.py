"""Where money comes in from outside: the payment provider a top-up charges.

This project has only the **sandbox** provider: it approves every charge at once, moves no real
money and says so wherever it is shown ("Sandbox payment"). A production integration (a card or
bank gateway) plugs in here as another `PaymentProvider`: `charge` would redirect to or call the
gateway *before* `console.billing.topup.account_top_up` takes the account lock (nothing slow under
a lock), and pass the gateway's confirmed reference to it; the gateway's idempotency key is the
top-up's own.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PaymentProvider:
    name: str
    label: str

    def charge(self, *, amount: Decimal, idempotency_key: str) -> str:
        """Take `amount`; return the provider's reference. The same key gives the same reference."""
        raise NotImplementedError


class SandboxProvider(PaymentProvider):
    def charge(self, *, amount: Decimal, idempotency_key: str) -> str:
        return "sandbox-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]


SANDBOX = SandboxProvider(name="sandbox", label=_("Sandbox payment: no real money moves"))
# Staff recording a payment received elsewhere (a bank transfer): no provider charges anything.
STAFF = PaymentProvider(name="staff", label=_("Payment recorded by staff"))


def payment_provider() -> PaymentProvider:
    """The provider the console's Top up charges: the sandbox, in this project."""
    return SANDBOX
