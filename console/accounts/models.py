from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.core import clock
from console.core.money import MONEY


class AccountStatus(models.TextChoices):
    """The account's standing. The overdue-payment states (in arrears, suspended for overdue payment,
    repossessed) change only through `console.billing.arrears`, the one state machine; a suspension
    for violations is set by staff and never lifted or replaced by it."""

    ACTIVE = "active", _("Active")
    IN_ARREARS = "in_arrears", _("In arrears")
    SUSPENDED_VIOLATION = "suspended_violation", _("Suspended for violating the rules")
    SUSPENDED_OVERDUE = "suspended_overdue", _("Suspended for overdue payment")
    REPOSSESSED = "repossessed", _("Resources repossessed for overdue payment")


class BillingMode(models.TextChoices):
    """How CSS charges the account's basic service. Customers switch between the two daily modes
    themselves; the monthly 95th percentile is for contract customers and set by staff. Every
    change goes through `console.billing.services.billing_mode_change` and its history."""

    DAILY_TRAFFIC = "daily_traffic", _("Bill-by-traffic (daily)")
    DAILY_BANDWIDTH = "daily_bandwidth", _("Bill-by-bandwidth (daily peak)")
    MONTHLY_PEAK_BANDWIDTH = "monthly_peak_bandwidth", _("Monthly 95th percentile peak bandwidth")


class Account(models.Model):
    """A Tencent Cloud account: the entity that owns packages and holds balances.

    The three balances are a running total of the account's ledger entries; they change only
    through `console.ledger.services.ledger_post`, and `check_ledger` proves they match.
    """

    uin = models.BigIntegerField("UIN", unique=True)
    name = models.CharField(max_length=120, verbose_name=_("name"))
    status = models.CharField(max_length=32, choices=AccountStatus, default=AccountStatus.ACTIVE, verbose_name=_("status"))
    # The billing mode, kept here so a page or an API call reads it with the account: the mode in
    # force until `billing_mode_next_from`, and from that billing day on `billing_mode_next` (empty
    # when no change is asked). Derived from the history (`BillingModeChange`) by the one service
    # that writes it, never edited alone; `billing_mode_on` answers any day from today on.
    billing_mode = models.CharField(
        _("CSS billing mode"), max_length=32, choices=BillingMode, default=BillingMode.DAILY_TRAFFIC
    )
    billing_mode_next = models.CharField(
        _("next CSS billing mode"), max_length=32, choices=BillingMode, blank=True, default="", db_default=""
    )
    billing_mode_next_from = models.DateField(_("next billing mode from"), null=True, blank=True)
    cash_balance = models.DecimalField(**MONEY, default=Decimal("0.00"), verbose_name=_("cash balance"))
    commission_balance = models.DecimalField(_("commission credits"), **MONEY, default=Decimal("0.00"))
    free_balance = models.DecimalField(_("free credits"), **MONEY, default=Decimal("0.00"))
    # What bills could not collect: a balance of its own (the ledger's "owed" bucket), never a
    # negative cash balance, so every balance column stays non-negative (docs/billing.md).
    owed_balance = models.DecimalField(_("amount owed"), **MONEY, default=Decimal("0.00"))
    # The overdue-payment lifecycle (console.billing.arrears): when the current standing began,
    # the 24-hour deadline while in arrears, and the last repossession warning sent (days before).
    standing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("standing since"))
    arrears_deadline = models.DateTimeField(null=True, blank=True, verbose_name=_("arrears deadline"))
    repossession_warned = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("repossession warning sent (days before)"))
    # Balance alert (Billing Center): a message when the available balance falls below it; null = off.
    balance_alert_threshold = models.DecimalField(
        **MONEY, null=True, blank=True, verbose_name=_("balance alert threshold")
    )
    # Set while the daily billing run is deducting this account's usage; refunds wait for it.
    billing_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("billing started at"))

    class Meta:
        ordering = ["uin"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_balance__gte=0) & Q(commission_balance__gte=0) & Q(free_balance__gte=0)
                & Q(owed_balance__gte=0),
                name="account_balances_not_negative",
            ),
            models.CheckConstraint(condition=Q(uin__gt=0), name="account_uin_positive"),
            models.CheckConstraint(
                condition=Q(billing_mode_next="", billing_mode_next_from__isnull=True)
                | (~Q(billing_mode_next="") & Q(billing_mode_next_from__isnull=False)),
                name="account_next_billing_mode_has_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.uin})"

    @property
    def available_balance(self) -> Decimal:
        """Cash, commission and free credits less what is owed: below zero while in arrears."""
        return self.cash_balance + self.commission_balance + self.free_balance - self.owed_balance

    def billing_mode_on(self, day: date) -> str:
        """The billing mode in force on billing day `day` (today or later; the billing run reads
        any day from the history itself)."""
        if self.billing_mode_next and day >= self.billing_mode_next_from:
            return self.billing_mode_next
        return self.billing_mode

    @staticmethod
    def billing_mode_on_q(mode: str, day: date) -> Q:
        """Accounts billed in `mode` on billing day `day`, as `billing_mode_on` decides it."""
        next_in_force = Q(billing_mode_next_from__lte=day) & ~Q(billing_mode_next="")
        return Q(next_in_force, billing_mode_next=mode) | Q(~next_in_force, billing_mode=mode)

    def billing_mode_at(self, moment: datetime) -> str:
        """The billing mode in force at `moment` (its billing-zone day): what freezes traffic packages."""
        return self.billing_mode_on(moment.astimezone(clock.billing_zone()).date())

    @property
    def billing_in_progress(self) -> bool:
        """Marked by a batch that may still be running: a mark older than the longest batch is
        stale (`billing_mark_cutoff`), as the refund policy reads it."""
        return self.billing_started_at is not None and self.billing_started_at >= billing_mark_cutoff(now=clock.now())


def billing_mark_cutoff(*, now: datetime) -> datetime:
    """Billing marks set before this are stale: older than the longest batch
    (BILLING_BATCH_MAX_SECONDS), so no batch holds them any more (refunds.policy.billing_in_progress
    draws the same line for the policy, which reads no settings)."""
    return now - timedelta(seconds=settings.BILLING_BATCH_MAX_SECONDS)


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Root account")
    SUB_USER = "sub_user", _("Sub-user")


class Member(models.Model):
    """Ties a login to the account it acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member", verbose_name=_("user"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="members", verbose_name=_("account"))
    role = models.CharField(max_length=16, choices=MemberRole, default=MemberRole.SUB_USER, verbose_name=_("role"))
    # What a sub-user may do comes from the policies attached to them (PolicyAttachment); root
    # owners may do everything. console.accounts.permissions decides.

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(role="owner"), name="one_owner_per_account"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.account}"


# --- CAM-style access management ----------------------------------------------------------------


class PresetPolicy(models.TextChoices):
    """Tencent Cloud's preset policies that this console knows; their statements are in
    `console.accounts.permissions.PRESET_DOCUMENTS` (code, not rows, so nobody edits them)."""

    LIVE_FULL_ACCESS = "QcloudLIVEFullAccess", _("QcloudLIVEFullAccess: full access to Cloud Streaming Services")
    LIVE_READ_ONLY_ACCESS = "QcloudLIVEReadOnlyAccess", _("QcloudLIVEReadOnlyAccess: read-only access to Cloud Streaming Services")
    FINANCE_FULL_ACCESS = "QCloudFinanceFullAccess", _("QCloudFinanceFullAccess: full access to finance (buy, refund, balances)")


class Policy(models.Model):
    """A custom policy an account's owner wrote: CAM statements (effect and actions) as JSON,
    `{"version": "2.0", "statement": [{"effect": "allow", "action": ["live:Describe*"], "resource": "*"}]}`.
    The document is checked by `console.accounts.permissions.policy_document_parse` before it is saved."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="policies", verbose_name=_("account"))
    name = models.CharField(max_length=128, verbose_name=_("name"))
    description = models.CharField(max_length=300, blank=True, verbose_name=_("description"))
    document = models.JSONField(verbose_name=_("document"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="policy_name_unique_per_account")]

    def __str__(self):
        return self.name


class PolicyAttachment(models.Model):
    """One policy attached to one sub-user: a preset (by name) or one of the account's custom policies."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="policy_attachments", verbose_name=_("member"))
    preset = models.CharField(max_length=64, choices=PresetPolicy, blank=True, verbose_name=_("preset"))
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name=_("policy"))
    attached_at = models.DateTimeField(verbose_name=_("attached at"))
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("attached by"),
    )

    class Meta:
        ordering = ["attached_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(preset="") & Q(policy__isnull=False)) | (~Q(preset="") & Q(policy__isnull=True)),
                name="attachment_preset_or_policy",
            ),
            models.UniqueConstraint(
                fields=["member", "preset"], condition=~Q(preset=""), name="attachment_preset_once_per_member"
            ),
            models.UniqueConstraint(
                fields=["member", "policy"], condition=Q(policy__isnull=False), name="attachment_policy_once_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.policy_name} on {self.member}"

    @property
    def policy_name(self) -> str:
        return self.preset or self.policy.name


class ApiKey(models.Model):
    """A person's Tencent Cloud API key: the SecretId says who calls, the SecretKey signs.

    The SecretKey is needed in clear to check TC3-HMAC-SHA256 signatures, so it is kept encrypted
    (Fernet, `console.accounts.api_keys`), never in plain text, and shown once when created.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("member"))
    secret_id = models.CharField("SecretId", max_length=64, unique=True)
    secret_key_encrypted = models.TextField(verbose_name=_("secret key encrypted"))
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return self.secret_id


# A person's own preferences (their language) live in their own module.
from console.accounts.preferences import UserPreference  # noqa: E402,F401
