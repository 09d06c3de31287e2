"""Ledger memos written before memo kinds existed were English sentences; each one the console
wrote becomes its kind and parameters. A memo none of them matches stays a note, as written."""

import re

from django.db import migrations

# The sentences as the console wrote them up to migration 0015, and the package kinds' English
# names then (a copy: this migration must read old rows the same way whatever the code says later).
REFUND = re.compile(r"^Refund of (\S+)$")
PURCHASE = re.compile(r"^Purchase of (\S+) \((.+)\)$")
BOUGHT = re.compile(r"^Bought (.+)$")
PAY_AS_YOU_GO = re.compile(r"^Pay-as-you-go usage on (\d{4}-\d{2}-\d{2})$")
FIXED = {
    "Opening balance": "opening_balance",
    "Campaign free credits": "campaign_free_credits",
    "Referral commission": "referral_commission",
}
KIND_NAMES = {
    "CSS traffic package": "traffic",
    "Standard transcoding package": "transcode_standard",
    "TSC transcoding package": "transcode_tsc",
    "Co-anchoring package": "co_anchoring",
    "Mobile live licence": "licence",
}


def _spec(text: str) -> dict | None:
    """"CSS traffic package 1 TB" -> the kind and the spec's name, or None."""
    for name in sorted(KIND_NAMES, key=len, reverse=True):
        if text.startswith(name + " ") and len(text) > len(name) + 1:
            return {"package_kind": KIND_NAMES[name], "spec": text[len(name) + 1:]}
    return None


def memo_fact(memo: str, package_code: str | None) -> tuple[str, dict] | None:
    """(kind, params) for a memo the console wrote, or None for a note."""
    if memo in FIXED:
        return FIXED[memo], {}
    if match := REFUND.match(memo):
        return "refund", {"code": match.group(1)}
    if match := PURCHASE.match(memo):
        spec = _spec(match.group(2))
        return ("purchase", {"code": match.group(1), **spec}) if spec else None
    if match := BOUGHT.match(memo):
        # The demo's purchases; the entry's package names the code the sentence left out.
        spec = _spec(match.group(1))
        return ("purchase", {"code": package_code, **spec}) if spec and package_code else None
    if match := PAY_AS_YOU_GO.match(memo):
        return "pay_as_you_go", {"day": match.group(1)}
    return None


def memos_to_facts(apps, schema_editor):
    LedgerEntry = apps.get_model("console", "LedgerEntry")
    # Updated through querysets: the model's save() refuses changes (the ledger is append-only).
    # One statement per distinct memo (a day's pay-as-you-go charges share theirs), except the
    # demo's "Bought ..." memos, whose code comes from each entry's package.
    notes = LedgerEntry.objects.filter(memo_kind="").exclude(memo="")
    for memo in list(notes.values_list("memo", flat=True).distinct().order_by("memo")):
        same = notes.filter(memo=memo)
        if BOUGHT.match(memo):
            for pk, code in list(same.values_list("pk", "package__code")):
                if (fact := memo_fact(memo, code)) is not None:
                    LedgerEntry.objects.filter(pk=pk).update(memo_kind=fact[0], memo_params=fact[1], memo="")
        elif (fact := memo_fact(memo, None)) is not None:
            same.update(memo_kind=fact[0], memo_params=fact[1], memo="")


SENTENCES = {
    "refund": "Refund of {code}",
    "purchase": "Purchase of {code} ({spec})",
    "pay_as_you_go": "Pay-as-you-go usage on {day}",
    **{kind: sentence for sentence, kind in FIXED.items()},
}
NAMES_BY_KIND = {kind: name for name, kind in KIND_NAMES.items()}


def facts_to_memos(apps, schema_editor):
    """Back to the English sentences, for migrating backwards."""
    LedgerEntry = apps.get_model("console", "LedgerEntry")
    for pk, kind, params in LedgerEntry.objects.exclude(memo_kind="").values_list("pk", "memo_kind", "memo_params"):
        values = dict(params)
        if "package_kind" in values:
            values["spec"] = f"{NAMES_BY_KIND.get(values.pop('package_kind'), '')} {values['spec']}".strip()
        LedgerEntry.objects.filter(pk=pk).update(memo=SENTENCES[kind].format(**values)[:200], memo_kind="", memo_params={})


class Migration(migrations.Migration):
    dependencies = [("console", "0015_ledger_memo_kind_and_renewed_from")]

    operations = [migrations.RunPython(memos_to_facts, facts_to_memos)]
