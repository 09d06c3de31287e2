"""Memos written as English sentences before memo kinds existed become kinds with parameters."""

from decimal import Decimal

import pytest
from django.utils import timezone

BEFORE = ("console", "0015_ledger_memo_kind_and_renewed_from")
AFTER = ("console", "0016_ledger_memos_as_facts")


def entry(apps, memo: str, *, package=None):
    Account = apps.get_model("console", "Account")
    account = Account.objects.get_or_create(uin=100099990101, defaults={"name": "Memos before kinds"})[0]
    return apps.get_model("console", "LedgerEntry").objects.create(
        account=account, bucket="cash", amount=Decimal("1.00"), balance_after=Decimal("1.00"), kind="top_up",
        package=package, memo=memo, created_at=timezone.now(),
    )


def package(apps, code: str):
    Spec = apps.get_model("console", "PackageSpec")
    spec = Spec.objects.get(kind="traffic", name="1 TB")
    account = apps.get_model("console", "Account").objects.get(uin=100099990101)
    now = timezone.now()
    return apps.get_model("console", "Package").objects.create(
        code=code, owner=account, payer=account, spec=spec, kind="traffic", total=spec.size, purchased_at=now,
        expires_at=now + timezone.timedelta(days=365), list_price=spec.list_price, paid_cash=spec.list_price,
    )


def memos_after(migrator, memos: dict[str, str]) -> dict[str, tuple]:
    """Write `memos` (name: memo) as migration 0015 found them; answer each row after 0016."""
    apps = migrator.migrate(BEFORE)
    pks = {name: entry(apps, memo).pk for name, memo in memos.items()}
    LedgerEntry = migrator.migrate(AFTER).get_model("console", "LedgerEntry")
    rows = {row[0]: row[1:] for row in LedgerEntry.objects.values_list("pk", "memo_kind", "memo_params", "memo")}
    return {name: rows[pk] for name, pk in pks.items()}


@pytest.mark.django_db(transaction=True)
def test_the_consoles_own_memos_become_kinds_with_their_parameters(migrator):
    after = memos_after(migrator, {
        "refund": "Refund of lvpkg-00000007",
        "purchase": "Purchase of lvpkg-00000008 (Standard transcoding package 100 hours)",
        "charge": "Pay-as-you-go usage on 2026-11-26",
        "opening": "Opening balance",
    })

    assert after == {
        "refund": ("refund", {"code": "lvpkg-00000007"}, ""),
        "purchase": ("purchase", {"code": "lvpkg-00000008", "package_kind": "transcode_standard", "spec": "100 hours"}, ""),
        "charge": ("pay_as_you_go", {"day": "2026-11-26"}, ""),
        "opening": ("opening_balance", {}, ""),
    }


@pytest.mark.django_db(transaction=True)
def test_a_memo_no_console_sentence_matches_stays_a_note_as_written(migrator):
    after = memos_after(migrator, {
        "typed": "Goodwill credit, ticket 4411",
        "unknown kind": "Purchase of lvpkg-00000009 (Something else 1 TB)",
    })

    assert after == {
        "typed": ("", {}, "Goodwill credit, ticket 4411"),
        "unknown kind": ("", {}, "Purchase of lvpkg-00000009 (Something else 1 TB)"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demos_bought_memos_take_the_code_from_their_entrys_package(migrator):
    apps = migrator.migrate(BEFORE)
    entry(apps, "Opening balance")
    pk = entry(apps, "Bought CSS traffic package 1 TB", package=package(apps, "lvpkg-dm000001")).pk

    LedgerEntry = migrator.migrate(AFTER).get_model("console", "LedgerEntry")

    assert LedgerEntry.objects.values_list("memo_kind", "memo_params", "memo").get(pk=pk) == (
        "purchase", {"code": "lvpkg-dm000001", "package_kind": "traffic", "spec": "1 TB"}, "",
    )


@pytest.mark.django_db(transaction=True)
def test_migrating_back_writes_the_english_sentences_again(migrator):
    apps = migrator.migrate(AFTER)
    pk = entry(apps, "").pk
    apps.get_model("console", "LedgerEntry").objects.filter(pk=pk).update(
        memo_kind="purchase", memo_params={"code": "lvpkg-00000010", "package_kind": "traffic", "spec": "1 TB"},
    )

    LedgerEntry = migrator.migrate(BEFORE).get_model("console", "LedgerEntry")

    assert LedgerEntry.objects.get(pk=pk).memo == "Purchase of lvpkg-00000010 (CSS traffic package 1 TB)"
