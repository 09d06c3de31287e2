from django.conf import settings
from django.db import models
from django.db.models import Q

from console.accounts.models import Account
from console.core.money import MONEY
from console.packages.models import Package


class RefundReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    WRONG_SPEC = "wrong_spec", "Bought the wrong specification"
    OTHER = "other", "Other"


class RefundChannel(models.TextChoices):
    SELF_SERVICE = "self_service", "Self-service"
    TICKET = "ticket", "Ticket"


class Refund(models.Model):
    """A completed refund. One per package, one per request key: a retry finds the first."""

    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="refund")
    owner = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds")
    payer = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="refunds_received")
    idempotency_key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=16, choices=RefundChannel)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=32, choices=RefundReason, blank=True)
    cash = models.DecimalField(**MONEY)
    commission = models.DecimalField(**MONEY)
    free = models.DecimalField(**MONEY)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "channel", "created_at"], name="refund_allowance")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash__gte=0) & Q(commission__gte=0) & Q(free__gte=0),
                name="refund_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"Refund of {self.package.code}"

    @property
    def total(self):
        return self.cash + self.commission + self.free
