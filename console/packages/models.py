"""The package catalogue, packages, what was deducted from them and failed renewals."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q

from console.accounts.models import Account
from console.core.money import MONEY, QUANTITY


class PackageKind(models.TextChoices):
    """The package types the console sells. The value doubles as the catalogue code."""

    TRAFFIC = "traffic", "CSS traffic package"
    TRANSCODE_STANDARD = "transcode_standard", "Standard transcoding package"
    TRANSCODE_TSC = "transcode_tsc", "TSC transcoding package"
    CO_ANCHORING = "co_anchoring", "Co-anchoring package"
    LICENCE = "licence", "Mobile live licence"


UNIT_BY_KIND = {
    PackageKind.TRAFFIC: "GB",
    PackageKind.TRANSCODE_STANDARD: "minute",
    PackageKind.TRANSCODE_TSC: "minute",
    PackageKind.CO_ANCHORING: "minute",
    PackageKind.LICENCE: "licence-year",
}


class PackageSpec(models.Model):
    """A size of a package type at its list price (USD), as on the purchase page."""

    kind = models.CharField(max_length=32, choices=PackageKind)
    name = models.CharField(max_length=60)
    # In the kind's unit: GB for traffic, minutes for transcoding and co-anchoring.
    size = models.DecimalField(max_digits=16, decimal_places=3)
    list_price = models.DecimalField(**MONEY)
    on_sale = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "size"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="spec_unique_name_per_kind"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="spec_size_positive"),
            models.CheckConstraint(condition=models.Q(list_price__gte=0), name="spec_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


# Effective at purchase, valid for one year; validity periods do not add up.
VALIDITY = timedelta(days=365)


class PackageSource(models.TextChoices):
    PURCHASED = "purchased", "Purchased"
    GIVEAWAY = "giveaway", "Giveaway"


class Package(models.Model):
    """A prepaid package: what was bought, how it was paid for, and what is left of it.

    Status is not stored: `console.packages.status.package_status` derives it from these facts.
    """

    code = models.CharField("package ID", max_length=32, unique=True)
    owner = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="packages")
    # The account that paid, e.g. an organisation's payer; refunds go back here.
    payer = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="paid_packages")
    spec = models.ForeignKey(PackageSpec, on_delete=models.PROTECT, related_name="+")
    # Copied from the spec so the package page filters by tab without a join.
    kind = models.CharField(max_length=32, choices=PackageKind)
    source = models.CharField(max_length=16, choices=PackageSource, default=PackageSource.PURCHASED)
    total = models.DecimalField(**QUANTITY)
    used = models.DecimalField(**QUANTITY, default=0)
    purchased_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    auto_renew = models.BooleanField(default=False)

    list_price = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY, default=0)
    voucher = models.DecimalField(**MONEY, default=0)
    paid_cash = models.DecimalField(**MONEY, default=0)
    paid_commission = models.DecimalField("paid in commission credits", **MONEY, default=0)
    paid_free = models.DecimalField("paid in free credits", **MONEY, default=0)

    refunded_at = models.DateTimeField(null=True, blank=True)
    refunded_cash = models.DecimalField(**MONEY, default=0)
    refunded_commission = models.DecimalField(**MONEY, default=0)
    refunded_free = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["-purchased_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "kind", "-purchased_at"], name="package_owner_kind_bought"),
            models.Index(fields=["owner", "kind", "expires_at"], name="package_owner_kind_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="package_total_positive"),
            models.CheckConstraint(condition=Q(used__gte=0) & Q(used__lte=F("total")), name="package_used_within_total"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("purchased_at")), name="package_expires_after_purchase"),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(voucher__gte=0) & Q(paid_cash__gte=0)
                & Q(paid_commission__gte=0) & Q(paid_free__gte=0),
                name="package_payment_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    list_price=F("discount") + F("voucher") + F("paid_cash") + F("paid_commission") + F("paid_free")
                ),
                name="package_payment_adds_up",
            ),
            models.CheckConstraint(
                condition=~Q(source="giveaway") | Q(list_price=0),
                name="package_giveaway_paid_nothing",
            ),
            models.CheckConstraint(
                condition=Q(refunded_cash__gte=0, refunded_cash__lte=F("paid_cash"))
                & Q(refunded_commission__gte=0, refunded_commission__lte=F("paid_commission"))
                & Q(refunded_free__gte=0, refunded_free__lte=F("paid_free")),
                name="package_refund_not_more_than_paid",
            ),
            models.CheckConstraint(
                condition=Q(refunded_at__isnull=False)
                | Q(refunded_cash=0, refunded_commission=0, refunded_free=0),
                name="package_refund_amounts_need_refund_time",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.spec.name}"

    @property
    def remaining(self):
        return self.total - self.used

    @property
    def paid_total(self):
        return self.paid_cash + self.paid_commission + self.paid_free

    @property
    def is_refunded(self) -> bool:
        return self.refunded_at is not None


class Deduction(models.Model):
    """An amount taken from a package for one day's usage, by the daily billing run."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="deductions")
    usage_date = models.DateField(help_text="The billing-zone day whose usage this pays for.")
    deducted_at = models.DateTimeField()
    usage_kind = models.CharField(max_length=60)
    usage = models.DecimalField(**QUANTITY, help_text="Usage in the package's unit before the ratio.")
    ratio = models.DecimalField(max_digits=10, decimal_places=4, default=1)
    amount = models.DecimalField(**QUANTITY, help_text="Taken from the package: usage x ratio.")

    class Meta:
        ordering = ["-deducted_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deduction_amount_positive")]

    def __str__(self):
        return f"{self.amount} from {self.package_id} for {self.usage_date}"


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
