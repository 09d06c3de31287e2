"""Ledger memos are facts (a kind and its parameters), written as a sentence only when shown."""

import csv
import io
import uuid
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from console.ledger.memos import SENTENCES, Memo, memo_text
from console.ledger.models import Bucket, LedgerEntry, LedgerKind, MemoKind
from console.ledger.services import ledger_post
from console.purchases.services import package_purchase
from refunds.services import RefundRequest, package_refund
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, spec


def shown(memo: Memo, language: str) -> str:
    with translation.override(language):
        return memo_text(kind=memo.kind, params=memo.params, note=memo.note)


def test_every_memo_kind_but_the_note_has_a_sentence():
    assert set(SENTENCES) == set(MemoKind) - {MemoKind.NOTE}


@pytest.mark.django_db
def test_a_purchase_memo_reads_in_chinese_with_the_package_kind_and_spec_translated():
    memo = Memo.purchase(code="lvpkg-00000001", spec=spec("transcode_standard", "100 hours"))

    assert shown(memo, "zh-hans") == "购买 lvpkg-00000001（标准转码包 100 小时）"


@pytest.mark.django_db
def test_a_purchase_memo_reads_in_english_as_the_console_wrote_it_before():
    memo = Memo.purchase(code="lvpkg-00000001", spec=spec("traffic", "1 TB"))

    assert shown(memo, "en") == "Purchase of lvpkg-00000001 (CSS traffic package 1 TB)"


def test_a_pay_as_you_go_memo_names_its_day():
    assert shown(Memo.pay_as_you_go(day=date(2026, 11, 26)), "zh-hans") == "2026-11-26 按量计费用量"


def test_a_note_is_shown_exactly_as_written_even_when_it_reads_like_a_console_memo():
    assert shown(Memo.written("Opening balance"), "zh-hans") == "Opening balance"


@pytest.mark.django_db
def test_a_purchase_records_the_package_code_and_spec_as_its_memo():
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "100.00"}))
    bought = spec("traffic", "1 TB")

    package = package_purchase(
        account=member.account, member=member, spec_id=bought.pk, shown_price=bought.list_price,
        idempotency_key=str(uuid.uuid4()),
    ).package

    entry = LedgerEntry.objects.get(package=package, kind=LedgerKind.PURCHASE)
    assert (entry.memo_kind, entry.memo_params, entry.memo) == (
        MemoKind.PURCHASE, {"code": package.code, "package_kind": "traffic", "spec": "1 TB"}, "",
    )


@pytest.mark.django_db
def test_a_refund_records_the_package_code_as_its_memo():
    owner = MemberFactory()
    package = PackageFactory(owner=owner.account)

    package_refund(
        RefundRequest(
            package_id=package.pk, owner=package.owner, actor=owner.user, idempotency_key=str(uuid.uuid4()), member=owner,
        )
    )

    entry = LedgerEntry.objects.get(package=package, kind=LedgerKind.REFUND)
    assert (entry.memo_kind, entry.memo_params, entry.memo) == (MemoKind.REFUND, {"code": package.code}, "")


@pytest.fixture
def owner_with_a_purchase(client):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "100.00"}))
    package = PackageFactory(owner=member.account, spec_name="1 TB", code="lvpkg-memo0001")
    with transaction.atomic():
        ledger_post(
            account=member.account, bucket=Bucket.CASH, amount=-package.paid_cash, kind=LedgerKind.PURCHASE,
            package=package, memo=Memo.purchase(code=package.code, spec=package.spec),
        )
    client.force_login(member.user)
    return member


@pytest.mark.django_db
def test_the_balance_page_writes_the_memo_in_the_readers_language(client, owner_with_a_purchase):
    html = client.get(reverse("billing"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "购买 lvpkg-memo0001（云直播流量包 1 TB）" in html


@pytest.mark.django_db
def test_the_csv_export_writes_the_memo_in_english_whatever_the_readers_language(client, owner_with_a_purchase):
    response = client.get(reverse("billing_ledger_csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "Purchase of lvpkg-memo0001 (CSS traffic package 1 TB)" in [row[-1] for row in rows]
