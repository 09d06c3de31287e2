"""The package catalogue, packages, what was deducted from them and failed renewals."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.accounts.models import Account
from console.core.money import MONEY, QUANTITY, rounded_sum
from console.packages.catalogue import spec_label


class PackageKind(models.TextChoices):
    """The package types the console sells. The value doubles as the catalogue code."""

    TRAFFIC = "traffic", _("CSS traffic package")
    TRANSCODE_STANDARD = "transcode_standard", _("Standard transcoding package")
    TRANSCODE_TSC = "transcode_tsc", _("TSC transcoding package")
    CO_ANCHORING = "co_anchoring", _("Co-anchoring package")
    LICENCE = "licence", _("Mobile live licence")


# The console's tabs on Package/Plugin Management; the database keeps each package's family in
# a generated column, so a tab is one indexed equality even where it holds two kinds.
class PackageFamily(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic package")
    TRANSCODING = "transcoding", _("Transcoding package")
    OTHER = "other", _("Plugins & other packages")


FAMILY_BY_KIND = {
    PackageKind.TRAFFIC: PackageFamily.TRAFFIC,
    PackageKind.TRANSCODE_STANDARD: PackageFamily.TRANSCODING,
    PackageKind.TRANSCODE_TSC: PackageFamily.TRANSCODING,
    PackageKind.CO_ANCHORING: PackageFamily.OTHER,
    PackageKind.LICENCE: PackageFamily.OTHER,
}

# What a row or a price list calls each kind, short enough for a table cell or a drop-down.
TYPE_LABEL_BY_KIND = {
    PackageKind.TRAFFIC: _("Traffic"),
    PackageKind.TRANSCODE_STANDARD: _("Standard transcoding"),
    PackageKind.TRANSCODE_TSC: _("TSC transcoding"),
    PackageKind.CO_ANCHORING: _("Co-anchoring"),
    PackageKind.LICENCE: _("Mobile live licence"),
}


class PackageState(models.TextChoices):
    """The part of a package's status that does not depend on the time or on the account's billing
    mode: kept by the database in a generated column (`Package.state`), so the package page can
    answer a status filter from an index. `console.packages.status` adds expiry and freezing."""

    UNUSED = "unused", _("Unused")
    IN_USE = "in_use", _("In use")
    EXHAUSTED = "exhausted", _("Used up")
    REFUNDED = "refunded", _("Refunded")
    # Taken back when the account was repossessed for overdue payment (console.billing.arrears).
    RECLAIMED = "reclaimed", _("Reclaimed")


def state_of(*, refunded: bool, total, used, reclaimed: bool = False) -> PackageState:
    """`Package.state` in Python: the database computes the same from the same columns."""
    if refunded:
        return PackageState.REFUNDED
    if reclaimed:
        return PackageState.RECLAIMED
    if used >= total:
        return PackageState.EXHAUSTED
    if used > 0:
        return PackageState.IN_USE
    return PackageState.UNUSED


UNIT_BY_KIND = {
    PackageKind.TRAFFIC: "GB",
    PackageKind.TRANSCODE_STANDARD: "minute",
    PackageKind.TRANSCODE_TSC: "minute",
    PackageKind.CO_ANCHORING: "minute",
    PackageKind.LICENCE: "licence-year",
}


class PackageSpec(models.Model):
    """A size of a package type at its list price (USD), as on the purchase page."""

    kind = models.CharField(max_length=32, choices=PackageKind, verbose_name=_("kind"))
    name = models.CharField(max_length=60, verbose_name=_("name"))
    # In the kind's unit: GB for traffic, minutes for transcoding and co-anchoring.
    size = models.DecimalField(max_digits=16, decimal_places=3, verbose_name=_("size"))
    list_price = models.DecimalField(**MONEY, verbose_name=_("list price"))
    on_sale = models.BooleanField(default=True, verbose_name=_("on sale"))

    class Meta:
        ordering = ["kind", "size"]
        verbose_name = _("package spec")
        verbose_name_plural = _("package specs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="spec_unique_name_per_kind"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="spec_size_positive"),
            models.CheckConstraint(condition=models.Q(list_price__gte=0), name="spec_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language: the catalogue's names are marked for translation
        (console.packages.catalogue), "5 hours" reads "5 小时"."""
        return spec_label(self.name)

    @property
    def type_label(self) -> str:
        """Short enough for a drop-down: "Standard transcoding" where the kind says "... package"."""
        return str(TYPE_LABEL_BY_KIND[self.kind])


# Effective at purchase, valid for one year; validity periods do not add up.
VALIDITY = timedelta(days=365)


class PackageSource(models.TextChoices):
    PURCHASED = "purchased", _("Purchased")
    GIVEAWAY = "giveaway", _("Giveaway")


class Package(models.Model):
    """A prepaid package: what was bought, how it was paid for, and what is left of it.

    Status is not stored whole: it depends on the time and on the owner's billing mode.
    `console.packages.status.package_status` derives it from these facts and `state`.
    """

    code = models.CharField(_("package ID"), max_length=32, unique=True)
    # No index of its own on owner or spec: the indexes below start with the owner, and only a
    # deleted spec (refused) looks packages up by spec. Every index is written again when the
    # billing run updates a package's usage and its stored state changes.
    owner = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="packages", verbose_name=_("owner"), db_index=False
    )
    # The account that paid, e.g. an organisation's payer; refunds go back here.
    payer = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="paid_packages", verbose_name=_("payer"))
    spec = models.ForeignKey(
        PackageSpec, on_delete=models.PROTECT, related_name="+", verbose_name=_("spec"), db_index=False
    )
    # Copied from the spec so the package page filters by tab without a join.
    kind = models.CharField(max_length=32, choices=PackageKind, verbose_name=_("kind"))
    source = models.CharField(max_length=16, choices=PackageSource, default=PackageSource.PURCHASED, verbose_name=_("source"))
    total = models.DecimalField(**QUANTITY, verbose_name=_("total"))
    used = models.DecimalField(**QUANTITY, default=0, verbose_name=_("used"))
    purchased_at = models.DateTimeField(verbose_name=_("purchased at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    auto_renew = models.BooleanField(default=False, verbose_name=_("auto renew"))
    # Set on a package the daily billing bought by auto-renewal (console.billing.renewal): the
    # package that ran out and was renewed. Its `renewals` are what it was renewed by.
    renewed_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals",
        verbose_name=_("renewed from"),
    )

    list_price = models.DecimalField(**MONEY, verbose_name=_("list price"))
    discount = models.DecimalField(**MONEY, default=0, verbose_name=_("discount"))
    voucher = models.DecimalField(**MONEY, default=0, verbose_name=_("voucher"))
    paid_cash = models.DecimalField(**MONEY, default=0, verbose_name=_("paid cash"))
    paid_commission = models.DecimalField(_("paid in commission credits"), **MONEY, default=0)
    paid_free = models.DecimalField(_("paid in free credits"), **MONEY, default=0)

    refunded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("refunded at"))
    refunded_cash = models.DecimalField(**MONEY, default=0, verbose_name=_("refunded cash"))
    refunded_commission = models.DecimalField(**MONEY, default=0, verbose_name=_("refunded commission"))
    refunded_free = models.DecimalField(**MONEY, default=0, verbose_name=_("refunded free"))
    # When the account's repossession for overdue payment reclaimed what was left of the package
    # (`console.packages.services.packages_reclaim`): never refunded, deducted or renewed after.
    reclaimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reclaimed at"))

    # Kept by the database from the columns above, never written by Django: no writer (the billing
    # run's set-based updates included) can leave them stale. `state_of` is the same rule in Python.
    family = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(kind__in=[k for k, f in FAMILY_BY_KIND.items() if f == family], then=models.Value(family.value))
                for family in (PackageFamily.TRAFFIC, PackageFamily.TRANSCODING)
            ),
            default=models.Value(PackageFamily.OTHER.value),
        ),
        output_field=models.CharField(max_length=16, choices=PackageFamily),
        db_persist=True,
        verbose_name=_("family"),
    )
    state = models.GeneratedField(
        expression=models.Case(
            models.When(refunded_at__isnull=False, then=models.Value(PackageState.REFUNDED.value)),
            models.When(reclaimed_at__isnull=False, then=models.Value(PackageState.RECLAIMED.value)),
            models.When(used__gte=F("total"), then=models.Value(PackageState.EXHAUSTED.value)),
            models.When(used__gt=0, then=models.Value(PackageState.IN_USE.value)),
            default=models.Value(PackageState.UNUSED.value),
        ),
        output_field=models.CharField(max_length=16, choices=PackageState),
        db_persist=True,
        verbose_name=_("state"),
    )

    class Meta:
        ordering = ["-purchased_at", "-id"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        indexes = [
            models.Index(fields=["owner", "kind", "expires_at"], name="package_owner_kind_expiry"),
            # The package page (console.pages.packages.selectors.package_page): one tab of one account in each
            # sort order; the trailing columns let a status filter be checked inside the index.
            models.Index(fields=["owner", "family", "purchased_at", "id", "expires_at", "state"], name="package_page_bought"),
            models.Index(fields=["owner", "family", "expires_at", "id", "state"], name="package_page_expiry"),
            # The page's count of a whole tab: the same entries as above, without their other
            # columns (B-tree deduplication keeps it a few pages), counted in half the time.
            models.Index(fields=["owner", "family"], name="package_page_count"),
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
                # Rounded to cents, or SQLite's float addition refuses 0.64 cash + 0.05 commission for 0.69.
                condition=Q(list_price=rounded_sum("discount", "voucher", "paid_cash", "paid_commission", "paid_free")),
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
        return f"{self.code} {self.spec.label}"

    @property
    def remaining(self):
        return self.total - self.used

    @property
    def paid_total(self):
        return self.paid_cash + self.paid_commission + self.paid_free

    @property
    def is_refunded(self) -> bool:
        return self.refunded_at is not None

    @property
    def is_reclaimed(self) -> bool:
        return self.reclaimed_at is not None


class Deduction(models.Model):
    """An amount taken from a package for one day's usage, by the daily billing run."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="deductions", verbose_name=_("package"))
    usage_date = models.DateField(help_text=_("The billing-zone day whose usage this pays for."), verbose_name=_("usage date"))
    deducted_at = models.DateTimeField(verbose_name=_("deducted at"))
    usage_kind = models.CharField(max_length=60, verbose_name=_("usage kind"))
    usage = models.DecimalField(**QUANTITY, help_text=_("Usage in the package's unit before the ratio."), verbose_name=_("usage"))
    ratio = models.DecimalField(max_digits=10, decimal_places=4, default=1, verbose_name=_("ratio"))
    amount = models.DecimalField(**QUANTITY, help_text=_("Taken from the package: usage x ratio."), verbose_name=_("amount"))

    class Meta:
        ordering = ["-deducted_at", "-id"]
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deduction_amount_positive")]

    def __str__(self):
        return gettext("%(amount)s from %(package)s for %(day)s") % {
            "amount": self.amount, "package": self.package_id, "day": self.usage_date,
        }


class RenewalFailure(models.Model):
    """An auto-renewal the billing run could not make, shown on the package's page."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="renewal_failures", verbose_name=_("package"))
    usage_date = models.DateField(verbose_name=_("usage date"))
    at = models.DateTimeField(verbose_name=_("at"))
    reason = models.CharField(max_length=200, verbose_name=_("reason"))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Renewal of {self.package_id} failed: {self.reason}"
