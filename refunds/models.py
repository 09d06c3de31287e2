import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core import clock
from console.core.money import MONEY
from console.packages.models import Package
from refunds.policy import Channel


class RefundReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    WRONG_SPEC = "wrong_spec", _("Bought the wrong specification")
    OTHER = "other", _("Other")


# Where a refund was asked for: the policy's one channel enum (refunds.policy.Channel), labelled.
CHANNEL_LABELS = {Channel.SELF_SERVICE: _("Console"), Channel.API: "API", Channel.TICKET: _("Ticket")}
CHANNEL_CHOICES = [(str(channel), CHANNEL_LABELS[channel]) for channel in Channel]


def new_order_id() -> str:
    """A refund order number as Tencent's billing centre writes them: digits only, the billing
    day first (YYYYMMDD) then 12 random digits, e.g. 20261126483920175562."""
    return clock.now().astimezone(clock.billing_zone()).strftime("%Y%m%d") + f"{secrets.randbelow(10**12):012d}"


class Refund(models.Model):
    """A completed refund. One per package, one per account and request key: a retry finds the first."""

    # The refund order number, shown on Refund records and answered by the API's RefundInstance.
    order_id = models.CharField(_("order ID"), max_length=32, unique=True, default=new_order_id, editable=False)
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="refund", verbose_name=_("package"))
    owner = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("owner"))
    payer = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds_received", verbose_name=_("payer"))
    # Unique per account (below): an account's retry finds its first refund; two accounts' keys never meet.
    idempotency_key = models.CharField(max_length=64, verbose_name=_("idempotency key"))
    channel = models.CharField(max_length=16, choices=CHANNEL_CHOICES, verbose_name=_("channel"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    reason = models.CharField(max_length=32, choices=RefundReason, blank=True, verbose_name=_("reason"))
    cash = models.DecimalField(**MONEY, verbose_name=_("cash"))
    commission = models.DecimalField(**MONEY, verbose_name=_("commission"))
    free = models.DecimalField(**MONEY, verbose_name=_("free"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    # Recorded from the API's RefundInstance request (empty for console and ticket refunds).
    sub_product_code = models.CharField("SubProductCode", max_length=64, blank=True)
    region_code = models.CharField("RegionCode", max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["owner", "channel", "created_at"], name="refund_allowance")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash__gte=0) & Q(commission__gte=0) & Q(free__gte=0),
                name="refund_amounts_not_negative",
            ),
            models.UniqueConstraint(fields=["owner", "idempotency_key"], name="refund_key_once_per_account"),
        ]

    def __str__(self):
        return str(_("Refund of %(code)s") % {"code": self.package.code})

    @property
    def total(self):
        return self.cash + self.commission + self.free
