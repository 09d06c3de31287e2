"""Billing records: usage and daily bills."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account, AccountStatus, BillingMode
from console.billing.modes import HistoryRow
from console.core.money import MONEY, QUANTITY, rounded_sum
from console.packages.models import PackageKind

# Only these package types are deducted by usage; the others are licences or ticket-only.
METERED_KINDS = (PackageKind.TRAFFIC, PackageKind.TRANSCODE_STANDARD, PackageKind.TRANSCODE_TSC)


class UsageRecord(models.Model):
    """One account's usage of one item (e.g. LVB traffic in AP1, H.264 720p) on one billing day."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="usage_records", verbose_name=_("account"))
    day = models.DateField(help_text=_("The billing-zone day the usage happened on."), verbose_name=_("day"))
    # The package type that pays for it: traffic, standard or TSC transcoding.
    package_kind = models.CharField(max_length=32, choices=[(k.value, k.label) for k in METERED_KINDS], verbose_name=_("package kind"))
    # A key of console.billing.rates.RATIOS, e.g. "lvb:mainland" or "h264:720p".
    item = models.CharField(max_length=32, verbose_name=_("item"))
    quantity = models.DecimalField(**QUANTITY, help_text=_("GB for traffic, minutes for transcoding."), verbose_name=_("quantity"))

    class Meta:
        ordering = ["day", "account", "package_kind", "item"]
        indexes = [models.Index(fields=["day", "account"], name="usage_day_account")]
        constraints = [
            models.UniqueConstraint(fields=["account", "day", "package_kind", "item"], name="usage_unique_per_day"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="usage_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.day} {self.package_kind} {self.item} {self.quantity}"


class DailyBill(models.Model):
    """What one day's usage cost an account beyond its packages. One per account and day, so a
    day billed twice is billed once."""

    # No index of its own: the (account, day) constraint's index answers every look-up by account.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="daily_bills", verbose_name=_("account"), db_index=False
    )
    day = models.DateField(verbose_name=_("day"))
    billed_at = models.DateTimeField(verbose_name=_("billed at"))
    deducted_items = models.PositiveIntegerField(default=0, help_text=_("Deductions made from packages."), verbose_name=_("deducted items"))
    pay_as_you_go = models.DecimalField(**MONEY, default=0, verbose_name=_("pay as you go"))
    paid_cash = models.DecimalField(**MONEY, default=0, verbose_name=_("paid cash"))
    # What the cash balance could not cover; never taken by driving the balance negative.
    owed = models.DecimalField(**MONEY, default=0, verbose_name=_("owed"))
    lines = models.JSONField(default=list, help_text=_("Per usage item: usage, covered, charged."), verbose_name=_("lines"))

    class Meta:
        ordering = ["-day", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="daily_bill_once_per_day"),
            models.CheckConstraint(
                condition=Q(paid_cash__gte=0) & Q(owed__gte=0) & Q(pay_as_you_go=rounded_sum("paid_cash", "owed")),
                name="daily_bill_adds_up",
            ),
        ]

    def __str__(self):
        return f"Bill {self.account_id} {self.day}"




class TopUpChannel(models.TextChoices):
    CONSOLE = "console", _("Console (sandbox payment)")
    ADMIN = "admin", _("Recorded by staff")
    COMMAND = "command", _("Management command")


class TopUp(models.Model):
    """Money paid into an account: what settled the amount owed, then what went to cash. One per
    account and idempotency key, so a retried confirmation tops up once and answers this again."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="top_ups", verbose_name=_("account"))
    idempotency_key = models.CharField(max_length=64, verbose_name=_("idempotency key"))
    amount = models.DecimalField(**MONEY, verbose_name=_("amount"))
    to_owed = models.DecimalField(**MONEY, help_text=_("Paid towards the amount owed."), verbose_name=_("to the amount owed"))
    to_cash = models.DecimalField(**MONEY, help_text=_("Credited to the cash balance."), verbose_name=_("to cash"))
    channel = models.CharField(max_length=16, choices=TopUpChannel, verbose_name=_("channel"))
    provider = models.CharField(max_length=32, verbose_name=_("payment provider"))
    provider_reference = models.CharField(max_length=80, verbose_name=_("payment reference"))
    # The account's standing before and after, so the receipt can say a suspension was lifted.
    status_before = models.CharField(max_length=32, verbose_name=_("status before"))
    status_after = models.CharField(max_length=32, verbose_name=_("status after"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        constraints = [
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="top_up_once_per_key"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(to_owed__gte=0) & Q(to_cash__gte=0) & Q(amount=rounded_sum("to_owed", "to_cash")),
                name="top_up_adds_up",
            ),
        ]

    def __str__(self):
        return self.receipt_code

    @property
    def receipt_code(self) -> str:
        return f"TU{self.pk:08d}"

    @property
    def lifted_suspension(self) -> bool:
        return self.status_before in (AccountStatus.SUSPENDED_OVERDUE, AccountStatus.REPOSSESSED) and self.status_after == AccountStatus.ACTIVE


class DailyPeak(models.Model):
    """One account's peak bandwidth on one billing day: what a day billed by daily peak bandwidth
    is charged from (the usage simulation writes it with the day's traffic)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="daily_peaks", verbose_name=_("account"), db_index=False)
    day = models.DateField(verbose_name=_("day"))
    mbps = models.DecimalField(**QUANTITY, help_text=_("The day's peak bandwidth in Mbps."), verbose_name=_("peak bandwidth (Mbps)"))

    class Meta:
        ordering = ["-day", "account"]
        verbose_name = _("daily peak bandwidth")
        verbose_name_plural = _("daily peak bandwidths")
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="daily_peak_once_per_day"),
            models.CheckConstraint(condition=Q(mbps__gte=0), name="daily_peak_not_negative"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.day} {self.mbps} Mbps"


class BillingModeChannel(models.TextChoices):
    CONSOLE = "console", _("Console")
    ADMIN = "admin", _("Staff (admin)")
    # The mode an account had before the history began (migration 0023).
    HISTORY_START = "history_start", _("Mode before the history began")


class BillingModeChange(models.Model):
    """One billing-mode request, append-only: who asked, when, from which mode to which, and the
    billing day it takes effect (`console.billing.modes.change_decide` decided it). The mode in
    force on any billing day is the `to_mode` of the latest row (by `effective_on`, then id)
    taking effect on or before it, else the `from_mode` of the first row, else the account's own
    (`console.billing.modes.mode_on`, `billing_mode_on_day` in SQL). A row whose `to_mode` is the
    mode already in force cancels a change still pending (same `effective_on`, asked later)."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="billing_mode_changes", verbose_name=_("account"), db_index=False
    )
    asked_at = models.DateTimeField(verbose_name=_("asked at"))
    # The billing-zone day it was asked on: one request per account and day.
    asked_on = models.DateField(verbose_name=_("asked on"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("asked by")
    )
    asked_by_label = models.CharField(max_length=160, blank=True, verbose_name=_("asked by (name)"))
    channel = models.CharField(max_length=16, choices=BillingModeChannel, verbose_name=_("channel"))
    from_mode = models.CharField(max_length=32, choices=BillingMode, verbose_name=_("from"))
    to_mode = models.CharField(max_length=32, choices=BillingMode, verbose_name=_("to"))
    effective_on = models.DateField(help_text=_("The first billing day billed under the new mode."), verbose_name=_("takes effect on"))
    # The rule's input: whether the account had usage on the day it asked (then the change waits a day more).
    usage_that_day = models.BooleanField(default=False, verbose_name=_("usage on the day asked"))
    cancels_pending = models.BooleanField(default=False, verbose_name=_("cancels the pending change"))

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("billing mode change")
        verbose_name_plural = _("billing mode changes")
        indexes = [models.Index(fields=["account", "effective_on", "id"], name="billing_mode_change_day")]
        constraints = [
            # One request a day (the rule says so; the database holds it under any race).
            models.UniqueConstraint(
                fields=["account", "asked_on"], condition=~Q(channel="history_start"), name="billing_mode_change_once_a_day"
            ),
            models.CheckConstraint(condition=Q(effective_on__gte=models.F("asked_on")), name="billing_mode_change_not_backdated"),
        ]

    def __str__(self):
        return f"{self.account_id}: {self.from_mode} -> {self.to_mode} from {self.effective_on}"

    @property
    def rule_row(self) -> HistoryRow:
        return HistoryRow(id=self.pk, from_mode=self.from_mode, to_mode=self.to_mode, effective_on=self.effective_on)
