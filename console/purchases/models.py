"""Purchase records: discounts in force, vouchers, and confirmed purchase requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core.money import MONEY
from console.packages.models import Package, PackageKind


class Discount(models.Model):
    """A discount in force on the purchase page, e.g. 10% off traffic packages of 10 TB or more."""

    name = models.CharField(max_length=80, verbose_name=_("name"))
    kind = models.CharField(max_length=32, choices=PackageKind, verbose_name=_("kind"))
    min_size = models.DecimalField(max_digits=16, decimal_places=3, help_text=_("In the kind's unit."), verbose_name=_("min size"))
    percent = models.DecimalField(max_digits=5, decimal_places=2, verbose_name=_("percent"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["kind", "min_size"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lt=100), name="discount_percent_range"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the names in console.purchases.catalogue are marked)."""
        return gettext(self.name)

class Voucher(models.Model):
    """A CSS voucher: money off one purchase by its account, until it expires. Not refundable."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("account"))
    code = models.CharField(max_length=40, unique=True, verbose_name=_("code"))
    amount = models.DecimalField(**MONEY, verbose_name=_("amount"))
    valid_until = models.DateTimeField(verbose_name=_("valid until"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))
    package = models.OneToOneField(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="voucher_used", verbose_name=_("package"))

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

    # Unique per account (below): an account's replay finds its first purchase.
    idempotency_key = models.CharField(max_length=64, verbose_name=_("idempotency key"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("account"))
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="purchase", verbose_name=_("package"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor"))
    auto_renewal = models.BooleanField(default=False, verbose_name=_("auto renewal"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="purchase_key_once_per_account"),
        ]

    def __str__(self):
        return f"Purchase {self.idempotency_key}"


