"""The money ledger: every change to an account's three balances, append-only."""

from django.db import models
from django.db.models import Q

from console.accounts.models import Account
from console.core.models import AppendOnlyModel
from console.core.money import MONEY
from console.packages.models import Package


class Bucket(models.TextChoices):
    CASH = "cash", "Cash"
    COMMISSION = "commission", "Commission credits"
    FREE = "free", "Free credits"


BALANCE_FIELD = {Bucket.CASH: "cash_balance", Bucket.COMMISSION: "commission_balance", Bucket.FREE: "free_balance"}


class LedgerKind(models.TextChoices):
    TOP_UP = "top_up", "Top-up"
    PURCHASE = "purchase", "Package purchase"
    REFUND = "refund", "Package refund"
    PAY_AS_YOU_GO = "pay_as_you_go", "Pay-as-you-go charge"
    ADJUSTMENT = "adjustment", "Adjustment"



class LedgerEntry(AppendOnlyModel):
    """One change to one balance bucket of one account. Balances are the sum of these."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ledger_entries")
    bucket = models.CharField(max_length=16, choices=Bucket)
    amount = models.DecimalField(**MONEY, help_text="Positive credits the balance, negative debits it.")
    balance_after = models.DecimalField(**MONEY)
    kind = models.CharField(max_length=20, choices=LedgerKind)
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries")
    reference = models.CharField(max_length=80, blank=True, help_text="What caused it, e.g. refund:12.")
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_account_time")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_balance_after_not_negative"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.bucket} {self.amount:+}"
