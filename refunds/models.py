import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core import clock
from console.core.money import MONEY
from console.packages.models import Package


class RefundReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    WRONG_SPEC = "wrong_spec", _("Bought the wrong specification")
    OTHER = "other", _("Other")


class RefundChannel(models.TextChoices):
    """Where the refund was asked for. Console and API refunds are both self-service under the
    policy (they count against the same allowance); ticket refunds were approved by staff."""

    SELF_SERVICE = "self_service", _("Console")
    API = "api", "API"
    TICKET = "ticket", _("Ticket")


# The channels whose refunds count against the self-service allowance.
SELF_SERVICE_CHANNELS = (RefundChannel.SELF_SERVICE, RefundChannel.API)


def new_order_id() -> str:
    """A refund order number as Tencent's billing centre writes them: digits only, the billing
    day first (YYYYMMDD) then 12 random digits, e.g. 20261126483920175562."""
    return clock.now().astimezone(clock.billing_zone()).strftime("%Y%m%d") + f"{secrets.randbelow(10**12):012d}"


class Refund(models.Model):
    """A completed refund. One per package, one per request key: a retry finds the first."""

    # The refund order number, shown on Refund records and answered by the API's RefundInstance.
    order_id = models.CharField(_("order ID"), max_length=32, unique=True, default=new_order_id, editable=False)
    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="refund", verbose_name=_("package"))
    owner = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("owner"))
    payer = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds_received", verbose_name=_("payer"))
    idempotency_key = models.CharField(max_length=64, unique=True, verbose_name=_("idempotency key"))
    channel = models.CharField(max_length=16, choices=RefundChannel, verbose_name=_("channel"))
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
        ]

    def __str__(self):
        return str(_("Refund of %(code)s") % {"code": self.package.code})

    @property
    def total(self):
        return self.cash + self.commission + self.free
