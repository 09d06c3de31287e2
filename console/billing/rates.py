"""Deduction ratios and pay-as-you-go prices, as plain data (no database, no clock).

A ratio is package units taken per unit of usage. Traffic ratios are the reference's (Deduction
rules). Transcoding packages are denominated in H.264 480p minutes; the other tiers' ratios are
their list-price rates over that base rate. Only 720p (~2.04: 100 h covers ~49 h) is documented;
the other transcoding tiers and the pay-as-you-go unit prices are our own (inferred) figures.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The region names are marked for translation: a deduction's stored label is shown in the reader's
# language (console.packages.catalogue.usage_label).
from django.utils.translation import gettext_noop as _

QUANTITY_STEP = Decimal("0.001")


@dataclass(frozen=True)
class Rate:
    package_kind: str
    label: str
    ratio: Decimal


def _traffic(item: str, label: str, ratio: str) -> tuple[str, Rate]:
    return item, Rate("traffic", label, Decimal(ratio))


REGIONS = {
    "ap1": _("Asia Pacific 1"),
    "ap2": _("Asia Pacific 2"),
    "ap3": _("Asia Pacific 3"),
    "na_eu": _("North America/Europe"),
    "mea": _("Middle East/Africa"),
    "sa": _("South America"),
}
LVB_OUTSIDE = {"ap1": "1.7692", "ap2": "2.9231", "ap3": "2.6923", "na_eu": "1.6923", "mea": "4.6154", "sa": "3.9615"}
LEB_OUTSIDE = {"ap1": "3.5385", "ap2": "5.8462", "ap3": "5.3846", "na_eu": "3.3846", "mea": "9.2308", "sa": "7.9231"}

TRAFFIC_RATES: dict[str, Rate] = dict(
    [
        _traffic("lvb:mainland", "LVB Chinese mainland", "1"),
        _traffic("leb:mainland", "LEB Chinese mainland", "2"),
        # The reference gives no mainland upstream ratio; we read it as 1:1 like LVB (inferred).
        _traffic("upstream:mainland", "Upstream Chinese mainland", "1"),
    ]
    + [_traffic(f"lvb:{r}", f"LVB {name}", LVB_OUTSIDE[r]) for r, name in REGIONS.items()]
    + [_traffic(f"upstream:{r}", f"Upstream {name}", LVB_OUTSIDE[r]) for r, name in REGIONS.items()]
    + [_traffic(f"leb:{r}", f"LEB {name}", LEB_OUTSIDE[r]) for r, name in REGIONS.items()]
)

# Tier rate over the H.264 480p rate. 720p is the reference's; the rest are inferred.
TRANSCODE_TIERS = {
    "h264:480p": ("H.264 480p", "1"),
    "h264:720p": ("H.264 720p", "2.0408"),
    "h264:1080p": ("H.264 1080p", "3.6735"),
    "h264:2k": ("H.264 2K", "7.3469"),
    "h264:4k": ("H.264 4K", "14.6939"),
    "h265:480p": ("H.265 480p", "3.0000"),
    "h265:720p": ("H.265 720p", "6.1224"),
    "h265:1080p": ("H.265 1080p", "11.0204"),
}

RATES: dict[tuple[str, str], Rate] = {
    **{("traffic", item): rate for item, rate in TRAFFIC_RATES.items()},
    **{
        (kind, item): Rate(kind, f"{'TSC ' if kind == 'transcode_tsc' else ''}{label}", Decimal(ratio))
        for kind in ("transcode_standard", "transcode_tsc")
        for item, (label, ratio) in TRANSCODE_TIERS.items()
    },
}

# USD per package unit (per mainland-LVB GB, per H.264 480p minute) for usage no package covers
# (inferred: a little above what the smallest package costs per unit).
PAY_AS_YOU_GO_PRICE = {
    "traffic": Decimal("0.0529"),
    "transcode_standard": Decimal("0.0024"),
    "transcode_tsc": Decimal("0.0087"),
}



@dataclass(frozen=True)
class BandwidthTier:
    """Up to `up_to_mbps` (None: no limit) of daily peak, each Mbps of the day's peak costs `price`."""

    up_to_mbps: Decimal | None
    price: Decimal


# USD per Mbps of the day's peak bandwidth, for days billed by daily peak bandwidth (inferred
# figures, shaped like Tencent's tiers: the tier the day's peak falls in prices the whole peak).
PEAK_BANDWIDTH_TIERS = (
    BandwidthTier(Decimal("500"), Decimal("0.0800")),
    BandwidthTier(Decimal("5000"), Decimal("0.0750")),
    BandwidthTier(Decimal("20000"), Decimal("0.0700")),
    BandwidthTier(None, Decimal("0.0650")),
)
PEAK_LABEL = "Daily peak bandwidth"


def peak_bandwidth_price(mbps: Decimal) -> Decimal:
    """USD per Mbps for a day whose peak was `mbps`: the price of the tier the peak falls in."""
    return next(tier.price for tier in PEAK_BANDWIDTH_TIERS if tier.up_to_mbps is None or mbps <= tier.up_to_mbps)


def average_mbps(gb: Decimal) -> Decimal:
    """A day's traffic as its average rate in Mbps (1 GB = 8,000 Mb, 86,400 s): the least its peak
    can have been, used for a day billed by peak bandwidth with no peak recorded."""
    return (gb * 8000 / 86400).quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)


def rate_for(package_kind: str, item: str) -> Rate:
    return RATES[(package_kind, item)]


def package_units(quantity: Decimal, ratio: Decimal) -> Decimal:
    """Usage converted into package units, to the thousandth."""
    return (quantity * ratio).quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)


def usage_for_units(units: Decimal, ratio: Decimal) -> Decimal:
    return (units / ratio).quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)
