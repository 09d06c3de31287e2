"""Issue 23, item 19: a mobile live licence is named once ("Mobile live licence · 1 year", not
"Mobile live licence · Mobile live licence, 1 year") and counted in years, in both languages, on
the Plugins tab, in the buy list, in ledger memos and in the ticket form."""

from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from console.ledger.memos import Memo, memo_text
from console.ledger.models import MemoKind
from console.templatetags.console_format import quantity
from tests.factories import MemberFactory, PackageFactory, UserFactory, spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    member = MemberFactory(user=UserFactory(username="owner"))
    client.force_login(member.user)
    client.member = member
    return client


def licence_for(member):
    return PackageFactory(owner=member.account, kind="licence")


def page_text(response) -> str:
    return unescape(response.content.decode())


def test_the_plugins_tab_names_a_licence_once(owner_client):
    licence_for(owner_client.member)

    text = page_text(owner_client.get(reverse("packages"), {"tab": "other"}))

    assert "Mobile live licence · 1 year" in text
    assert "Mobile live licence · Mobile live licence" not in text


def test_the_plugins_tab_names_a_licence_once_in_chinese(owner_client):
    licence_for(owner_client.member)
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    text = page_text(owner_client.get(reverse("packages"), {"tab": "other"}))

    assert "移动直播 License · 1 年" in text
    assert "移动直播 License · 移动直播 License" not in text


def test_the_plugins_tab_counts_a_licence_in_years(owner_client):
    licence_for(owner_client.member)

    text = page_text(owner_client.get(reverse("packages"), {"tab": "other"}))

    assert "1 year / 0 years / 1 year" in text
    assert "licence-year" not in text


def test_a_licence_is_counted_in_years_in_chinese():
    with translation.override("zh-hans"):
        assert quantity(Decimal("1"), "licence") == "1 年"


@pytest.mark.parametrize("amount, words", [("1", "1 year"), ("0", "0 years"), ("2", "2 years")])
def test_a_licence_amount_reads_in_years(amount, words):
    assert quantity(Decimal(amount), "licence") == words


def test_the_buy_list_names_the_licence_once(owner_client):
    text = page_text(owner_client.get(reverse("package_buy")))

    assert "Mobile live licence 1 year" in text
    assert "Mobile live licence Mobile live licence" not in text


def test_a_licence_purchase_memo_names_the_licence_once():
    memo = Memo.purchase(code="lvpkg-00000001", spec=spec("licence"))

    assert memo_text(kind=memo.kind, params=memo.params, note="") == "Purchase of lvpkg-00000001 (Mobile live licence 1 year)"


def test_a_licence_purchase_memo_written_under_the_former_spec_name_reads_the_same():
    params = {"code": "lvpkg-00000001", "package_kind": "licence", "spec": "Mobile live licence, 1 year"}

    with translation.override("zh-hans"):
        text = memo_text(kind=MemoKind.PURCHASE, params=params, note="")

    assert "移动直播 License 1 年" in text
    assert "License，1 年" not in text


def test_the_ticket_forms_package_list_names_a_licence_once(owner_client):
    package = licence_for(owner_client.member)

    text = page_text(owner_client.get(reverse("tickets:submit"), {"product": "css", "issue_type": "other"}))

    assert f"{package.code} - Mobile live licence 1 year" in text
    assert "Mobile live licence Mobile live licence" not in text
