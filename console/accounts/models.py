from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from console.core.money import MONEY


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED_VIOLATION = "suspended_violation", "Suspended for violating the rules"
    SUSPENDED_OVERDUE = "suspended_overdue", "Suspended for overdue payment"


class BillingMode(models.TextChoices):
    DAILY_TRAFFIC = "daily_traffic", "Bill-by-traffic (daily)"
    DAILY_BANDWIDTH = "daily_bandwidth", "Bill-by-bandwidth (daily peak)"
    MONTHLY_PEAK_BANDWIDTH = "monthly_peak_bandwidth", "Monthly 95th percentile peak bandwidth"


class Account(models.Model):
    """A Tencent Cloud account: the entity that owns packages and holds balances.

    The three balances are a running total of the account's ledger entries; they change only
    through `console.ledger.services.ledger_post`, and `check_ledger` proves they match.
    """

    uin = models.BigIntegerField("UIN", unique=True)
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=32, choices=AccountStatus, default=AccountStatus.ACTIVE)
    billing_mode = models.CharField(
        "CSS billing mode", max_length=32, choices=BillingMode, default=BillingMode.DAILY_TRAFFIC
    )
    cash_balance = models.DecimalField(**MONEY, default=Decimal("0.00"))
    commission_balance = models.DecimalField("commission credits", **MONEY, default=Decimal("0.00"))
    free_balance = models.DecimalField("free credits", **MONEY, default=Decimal("0.00"))
    # Set while the daily billing run is deducting this account's usage; refunds wait for it.
    billing_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uin"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_balance__gte=0) & Q(commission_balance__gte=0) & Q(free_balance__gte=0),
                name="account_balances_not_negative",
            ),
            models.CheckConstraint(condition=Q(uin__gt=0), name="account_uin_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.uin})"

    @property
    def billing_in_progress(self) -> bool:
        return self.billing_started_at is not None


class MemberRole(models.TextChoices):
    OWNER = "owner", "Root account"
    SUB_USER = "sub_user", "Sub-user"


class Member(models.Model):
    """Ties a login to the account it acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=MemberRole, default=MemberRole.SUB_USER)
    # Sub-users need this CAM-style grant to refund or buy; root owners always may
    # (console.accounts.permissions decides).
    can_refund = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(role="owner"), name="one_owner_per_account"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.account}"