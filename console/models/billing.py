"""Billing records: usage, daily bills, purchases, vouchers, discounts and renewal failures."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .accounts import MONEY, Account
from .catalogue import PackageKind
from .packages import QUANTITY, Package

# Only these package types are deducted by usage; the others are licences or ticket-only.
METERED_KINDS = (PackageKind.TRAFFIC, PackageKind.TRANSCODE_STANDARD, PackageKind.TRANSCODE_TSC)


class UsageRecord(models.Model):
    """One account's usage of one item (e.g. LVB traffic in AP1, H.264 720p) on one billing day."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="usage_records")
    day = models.DateField(help_text="The billing-zone day the usage happened on.")
    # The package type that pays for it: traffic, standard or TSC transcoding.
    package_kind = models.CharField(max_length=32, choices=[(k.value, k.label) for k in METERED_KINDS])
    # A key of console.billing.rates.RATIOS, e.g. "lvb:mainland" or "h264:720p".
    item = models.CharField(max_length=32)
    quantity = models.DecimalField(**QUANTITY, help_text="GB for traffic, minutes for transcoding.")

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

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="daily_bills")
    day = models.DateField()
    billed_at = models.DateTimeField()
    deducted_items = models.PositiveIntegerField(default=0, help_text="Deductions made from packages.")
    pay_as_you_go = models.DecimalField(**MONEY, default=0)
    paid_cash = models.DecimalField(**MONEY, default=0)
    # What the cash balance could not cover; never taken by driving the balance negative.
    owed = models.DecimalField(**MONEY, default=0)
    lines = models.JSONField(default=list, help_text="Per usage item: usage, covered, charged.")

    class Meta:
        ordering = ["-day", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="daily_bill_once_per_day"),
            models.CheckConstraint(
                condition=Q(paid_cash__gte=0) & Q(owed__gte=0) & Q(pay_as_you_go=F("paid_cash") + F("owed")),
                name="daily_bill_adds_up",
            ),
        ]

    def __str__(self):
        return f"Bill {self.account_id} {self.day}"


class Discount(models.Model):
    """A discount in force on the purchase page, e.g. 10% off traffic packages of 10 TB or more."""

    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=32, choices=PackageKind)
    min_size = models.DecimalField(max_digits=16, decimal_places=3, help_text="In the kind's unit.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "min_size"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lt=100), name="discount_percent_range"),
        ]

    def __str__(self):
        return self.name


class Voucher(models.Model):
    """A CSS voucher: money off one purchase by its account, until it expires. Not refundable."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="vouchers")
    code = models.CharField(max_length=40, unique=True)
    amount = models.DecimalField(**MONEY)
    valid_until = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    package = models.OneToOneField(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="voucher_used")

    class Meta:
        ordering = ["valid_until"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, package__isnull=True) | Q(used_at__isnull=False, package__isnull=False),
                name="voucher_used_for_a_package",
            ),
        ]

    def __str__(self):
        return f"{self.code} (USD {self.amount})"


class Purchase(models.Model):
    """A confirmed purchase request; its key makes a replayed confirmation return the first package."""

    idempotency_key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="purchases")
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="purchase")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    auto_renewal = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Purchase {self.idempotency_key}"


class RenewalFailure(models.Model):
    """An auto-renewal the billing run could not make, shown on the package's page."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="renewal_failures")
    usage_date = models.DateField()
    at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Renewal of {self.package_id} failed: {self.reason}"
