"""Ledger memos in the reader's language (issue 15).

A memo is stored once, in English, when the entry is written ("Refund of lvpkg-...", "Purchase of
lvpkg-... (CSS traffic package 1 TB)", "Pay-as-you-go usage on 2026-11-26", "Opening balance").
The pages show it through `memo_text`, which recognises the console's own memos and writes them
in the active language; any other memo (a note someone typed) is shown as it was written.
"""

import re
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from console.packages.models import PackageKind

# Memos the console writes whole (the demo's top-ups included), translated as they are.
FIXED_MEMOS = (_("Opening balance"), _("Campaign free credits"), _("Referral commission"))

_REFUND = re.compile(r"^Refund of (\S+)$")
_PURCHASE = re.compile(r"^Purchase of (\S+) \((.+)\)$")
_BOUGHT = re.compile(r"^Bought (.+)$")
_PAY_AS_YOU_GO = re.compile(r"^Pay-as-you-go usage on (\d{4}-\d{2}-\d{2})$")


@lru_cache(maxsize=1)
def _kinds_in_english() -> tuple[tuple[str, str], ...]:
    """(English label, kind) for every package kind, longest label first."""
    with translation.override("en"):
        labels = [(str(kind.label), kind.value) for kind in PackageKind]
    return tuple(sorted(labels, key=lambda pair: len(pair[0]), reverse=True))


def _spec_text(spec: str) -> str:
    """"CSS traffic package 1 TB" (as `str(PackageSpec)` wrote it in English) in the active language."""
    for english, kind in _kinds_in_english():
        if spec.startswith(english + " "):
            return f"{PackageKind(kind).label} {gettext(spec[len(english) + 1:])}"
    return spec


def memo_text(memo: str) -> str:
    if not memo:
        return memo
    if match := _REFUND.match(memo):
        return gettext("Refund of %(code)s") % {"code": match.group(1)}
    if match := _PURCHASE.match(memo):
        return gettext("Purchase of %(code)s (%(spec)s)") % {"code": match.group(1), "spec": _spec_text(match.group(2))}
    if match := _BOUGHT.match(memo):
        return gettext("Bought %(spec)s") % {"spec": _spec_text(match.group(1))}
    if match := _PAY_AS_YOU_GO.match(memo):
        return gettext("Pay-as-you-go usage on %(day)s") % {"day": match.group(1)}
    return gettext(memo)
