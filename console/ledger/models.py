"""The money ledger: every change to an account's three balances, append-only."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core.models import AppendOnlyModel
from console.core.money import MONEY
from console.packages.models import Package


class Bucket(models.TextChoices):
    CASH = "cash", _("Cash")
    COMMISSION = "commission", _("Commission credits")
    FREE = "free", _("Free credits")
    # Not money the account holds but money it owes: bills post what cash could not pay here (+),
    # top-ups and refunds settle it first (-). See docs/billing.md, "Arrears".
    OWED = "owed", _("Amount owed")


BALANCE_FIELD = {
    Bucket.CASH: "cash_balance", Bucket.COMMISSION: "commission_balance", Bucket.FREE: "free_balance",
    Bucket.OWED: "owed_balance",
}


class LedgerKind(models.TextChoices):
    TOP_UP = "top_up", _("Top-up")
    PURCHASE = "purchase", _("Package purchase")
    REFUND = "refund", _("Package refund")
    PAY_AS_YOU_GO = "pay_as_you_go", _("Pay-as-you-go charge")
    ADJUSTMENT = "adjustment", _("Adjustment")
    ARREARS = "arrears", _("Unpaid bill")
    SETTLEMENT = "settlement", _("Amount owed settled")


class MemoKind(models.TextChoices):
    """What a ledger entry's memo says, with its parameters in `memo_params` (console.ledger.memos
    writes the sentence in the reader's language). Blank: the memo is a note, shown as written."""

    NOTE = "", _("Note")
    REFUND = "refund", _("Refund of a package")
    PURCHASE = "purchase", _("Purchase of a package")
    PAY_AS_YOU_GO = "pay_as_you_go", _("Pay-as-you-go usage of a day")
    OPENING_BALANCE = "opening_balance", _("Opening balance")
    CAMPAIGN_FREE_CREDITS = "campaign_free_credits", _("Campaign free credits")
    REFERRAL_COMMISSION = "referral_commission", _("Referral commission")
    TOP_UP = "top_up", _("Top-up")
    REFUND_SETTLES_OWED = "refund_settles_owed", _("Refund of a package, paying what is owed")
    OWED_CARRIED_OVER = "owed_carried_over", _("Unpaid bills before arrears were kept in the ledger")


class LedgerEntry(AppendOnlyModel):
    """One change to one balance bucket of one account. Balances are the sum of these."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("account"))
    bucket = models.CharField(max_length=16, choices=Bucket, verbose_name=_("bucket"))
    amount = models.DecimalField(**MONEY, help_text=_("Positive credits the balance, negative debits it."), verbose_name=_("amount"))
    balance_after = models.DecimalField(**MONEY, verbose_name=_("balance after"))
    kind = models.CharField(max_length=20, choices=LedgerKind, verbose_name=_("kind"))
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries", verbose_name=_("package"))
    reference = models.CharField(max_length=80, blank=True, help_text=_("What caused it, e.g. refund:12."), verbose_name=_("reference"))
    memo_kind = models.CharField(max_length=32, choices=MemoKind, blank=True, default=MemoKind.NOTE, verbose_name=_("memo kind"))
    memo_params = models.JSONField(default=dict, blank=True, verbose_name=_("memo parameters"))
    memo = models.CharField(
        max_length=200, blank=True, help_text=_("A note as written, for entries whose memo kind is Note."),
        verbose_name=_("memo"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_account_time")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_balance_after_not_negative"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.bucket} {self.amount:+}"
