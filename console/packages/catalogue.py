"""The CSS package catalogue: sizes and list prices (USD) from the public price list.

Co-anchoring and licence prices are not published beside the others; the figures here are our
own plausible stand-ins, marked (inferred) in docs.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

GB_PER_TB = 1000
MINUTES_PER_HOUR = 60

# (kind, name, size in the kind's unit, list price). The names are stored as written here and
# marked for translation (the traffic sizes read the same in every language): pages show them
# through `PackageSpec.label` (gettext at display time).
CATALOGUE: list[tuple[str, str, int, str]] = [
    ("traffic", "100 GB", 100, "3.88"),
    ("traffic", "500 GB", 500, "19.10"),
    ("traffic", "1 TB", 1 * GB_PER_TB, "37.01"),
    ("traffic", "5 TB", 5 * GB_PER_TB, "179.10"),
    ("traffic", "10 TB", 10 * GB_PER_TB, "350.75"),
    ("traffic", "50 TB", 50 * GB_PER_TB, "1475.97"),
    ("traffic", "200 TB", 200 * GB_PER_TB, "5298.51"),
    ("traffic", "1 PB", 1000 * GB_PER_TB, "24626.87"),
    ("transcode_standard", _("5 hours"), 5 * MINUTES_PER_HOUR, "0.69"),
    ("transcode_standard", _("100 hours"), 100 * MINUTES_PER_HOUR, "13.43"),
    ("transcode_standard", _("1,000 hours"), 1000 * MINUTES_PER_HOUR, "134.18"),
    ("transcode_standard", _("10,000 hours"), 10000 * MINUTES_PER_HOUR, "1193.88"),
    ("transcode_standard", _("50,000 hours"), 50000 * MINUTES_PER_HOUR, "5970.00"),
    ("transcode_standard", _("100,000 hours"), 100000 * MINUTES_PER_HOUR, "7462.54"),
    ("transcode_tsc", _("50 hours"), 50 * MINUTES_PER_HOUR, "22.24"),
    ("transcode_tsc", _("100 hours"), 100 * MINUTES_PER_HOUR, "44.63"),
    ("transcode_tsc", _("1,000 hours"), 1000 * MINUTES_PER_HOUR, "268.71"),
    ("transcode_tsc", _("10,000 hours"), 10000 * MINUTES_PER_HOUR, "2238.66"),
    ("transcode_tsc", _("100,000 hours"), 100000 * MINUTES_PER_HOUR, "14925.22"),
    ("co_anchoring", _("1,000 hours"), 1000 * MINUTES_PER_HOUR, "149.25"),
    ("co_anchoring", _("10,000 hours"), 10000 * MINUTES_PER_HOUR, "1343.28"),
    # Named by its term, as the other sizes are: the kind already says "Mobile live licence".
    ("licence", _("1 year"), 1, "1492.54"),
]

# Catalogue names changed since: the stored name then -> the name now. Rows written before (a ledger
# memo's spec) are shown under the name now; migration 0019 renamed the spec itself.
FORMER_NAMES: dict[str, str] = {
    "Mobile live licence, 1 year": "1 year",
}


def spec_label(name: str) -> str:
    """A catalogue name, as stored (a spec's or a memo's), in the reader's language: "5 hours"
    reads "5 小时", a former name reads as the name now."""
    return gettext(FORMER_NAMES.get(name, name))


def specs_load(spec_model) -> None:
    """Write the price list. Takes the model so data migrations can pass their historical one."""
    for kind, name, size, price in CATALOGUE:
        spec_model.objects.update_or_create(
            kind=kind, name=name, defaults={"size": Decimal(size), "list_price": Decimal(price)}
        )


# The words a deduction's stored usage label ("LVB Chinese mainland", "TSC H.264 720p", written by
# the billing run from console.billing.rates) is made of, each translated where the label is shown;
# codecs and resolutions read the same in every language.
USAGE_WORDS = (
    _("LVB outside mainland"), _("Chinese mainland"), _("Upstream"), _("LVB"), _("LEB"), _("TSC"),
    _("Asia Pacific 1"), _("Asia Pacific 2"), _("Asia Pacific 3"), _("North America/Europe"),
    _("Middle East/Africa"), _("South America"),
)
_USAGE_WORD = re.compile("|".join(re.escape(word) for word in sorted(USAGE_WORDS, key=len, reverse=True)))


def usage_label(label: str) -> str:
    """A stored usage label in the reader's language: "LVB Chinese mainland" -> "标准直播 中国境内"."""
    return _USAGE_WORD.sub(lambda match: gettext(match.group(0)), label)
