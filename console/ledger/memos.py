"""Ledger memos as facts: a kind and its parameters, written as a sentence when shown.

An entry the console writes stores what happened (`memo_kind`, e.g. a purchase, and
`memo_params`, e.g. the package ID and spec), never the sentence itself, so the Balance and bills
page writes it in the reader's language and nothing has to be read back out of English. An
entry whose kind is blank carries a note in `memo`, shown exactly as it was written.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from console.ledger.models import MemoKind
from console.packages.catalogue import spec_label
from console.packages.models import PackageKind, PackageSpec

# The sentence of each kind; %(spec)s is the package kind and spec name in the reader's language.
SENTENCES: dict[str, str] = {
    MemoKind.REFUND: _("Refund of %(code)s"),
    MemoKind.PURCHASE: _("Purchase of %(code)s (%(spec)s)"),
    MemoKind.PAY_AS_YOU_GO: _("Pay-as-you-go usage on %(day)s"),
    MemoKind.OPENING_BALANCE: _("Opening balance"),
    MemoKind.CAMPAIGN_FREE_CREDITS: _("Campaign free credits"),
    MemoKind.REFERRAL_COMMISSION: _("Referral commission"),
    MemoKind.TOP_UP: _("Top-up %(receipt)s"),
    MemoKind.REFUND_SETTLES_OWED: _("Refund of %(code)s, paying what is owed"),
    MemoKind.OWED_CARRIED_OVER: _("Unpaid daily bills carried over"),
}


@dataclass(frozen=True, slots=True)
class Memo:
    """What a ledger entry records about itself: `ledger_post(memo=Memo.refund(code=...))`."""

    kind: str = MemoKind.NOTE
    params: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def refund(cls, *, code: str) -> "Memo":
        return cls(MemoKind.REFUND, {"code": code})

    @classmethod
    def purchase(cls, *, code: str, spec: PackageSpec) -> "Memo":
        # The spec's kind and catalogue name, each translated when shown (as `str(spec)` reads).
        return cls(MemoKind.PURCHASE, {"code": code, "package_kind": spec.kind, "spec": spec.name})

    @classmethod
    def pay_as_you_go(cls, *, day: date) -> "Memo":
        return cls(MemoKind.PAY_AS_YOU_GO, {"day": day.isoformat()})

    @classmethod
    def top_up(cls, *, receipt: str) -> "Memo":
        return cls(MemoKind.TOP_UP, {"receipt": receipt})

    @classmethod
    def refund_settles_owed(cls, *, code: str) -> "Memo":
        return cls(MemoKind.REFUND_SETTLES_OWED, {"code": code})

    @classmethod
    def of(cls, kind: MemoKind) -> "Memo":
        """A kind without parameters (an opening balance, campaign free credits, ...)."""
        return cls(kind)

    @classmethod
    def written(cls, note: str) -> "Memo":
        """A note someone wrote, kept and shown as it is."""
        return cls(MemoKind.NOTE, {}, note)


def memo_text(*, kind: str, params: Mapping[str, str], note: str = "") -> str:
    """The memo in the active language: the kind's sentence with its parameters, or the note."""
    sentence = SENTENCES.get(kind)
    if sentence is None:
        return note
    values = dict(params)
    if "package_kind" in values:
        values["spec"] = f"{PackageKind(values.pop('package_kind')).label} {spec_label(values['spec'])}"
    return gettext(sentence) % values


def entry_memo_text(entry) -> str:
    """A ledger entry's memo in the active language."""
    return memo_text(kind=entry.memo_kind, params=entry.memo_params, note=entry.memo)


def entry_memo_english(entry) -> str:
    """A ledger entry's memo in English, whatever the reader's language (the CSV export)."""
    with translation.override("en"):
        return entry_memo_text(entry)
