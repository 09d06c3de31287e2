from django.db import models

from .accounts import MONEY


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
