"""The review desk after a decision, and its audit trail as people read it in either language:
what happened (amounts per bucket, by whom, when) instead of the policy's would-refund verdict,
times in the billing zone, values in words, nothing left in English in Chinese."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from console.templatetags.console_format import zoned
from refunds.models import Refund
from tests.factories import ApproverFactory, MemberFactory, PackageFactory, ReviewerFactory, TicketFactory
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    member = MemberFactory()
    return TicketFactory(member=member, package=PackageFactory(owner=member.account, kind="co_anchoring"))


@pytest.fixture
def approver(client):
    user = ApproverFactory(username="alice")
    client.force_login(user)
    return user


def desk(client, ticket, language="en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()


def approve(client, ticket):
    client.post(reverse("admin:tickets_ticket_approve", args=[ticket.pk]), {"note": ""})


def outcome(html: str) -> str:
    match = re.search(r'<div class="refund-outcome"[^>]*>(.*?)</div>', html, re.S)
    assert match, "the desk shows no outcome"
    return re.sub(r"<[^>]+>", " ", match.group(1))


# -- item 15: after a decision the desk says what happened -----------------------------------------


def test_after_approval_the_desk_says_what_was_refunded_per_bucket(client, approver, ticket):
    approve(client, ticket)

    said = outcome(desk(client, ticket))

    refund = Refund.objects.get(package=ticket.package)
    assert "Refunded" in said
    assert (
        f"cash USD {refund.cash}, commission credits USD {refund.commission}, free credits USD {refund.free}; "
        f"total USD {refund.total}" in said
    )


def test_after_approval_the_desk_says_who_refunded_and_when(client, approver, ticket):
    approve(client, ticket)

    said = outcome(desk(client, ticket))

    refund = Refund.objects.get(package=ticket.package)
    assert f"Refunded {zoned(refund.created_at)} by alice (staff)" in said
    assert refund.order_id in said


def test_after_approval_the_desk_no_longer_shows_the_would_refund_verdict(client, approver, ticket):
    approve(client, ticket)

    html = desk(client, ticket)

    assert "Would refund" not in html
    assert "Not refundable" not in html


def test_after_rejection_the_desk_says_rejected_by_whom_when_and_why(client, approver, ticket):
    services.ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(username="bob"), reason="Used too much.")

    html = desk(client, ticket)

    said = outcome(html)
    assert "Rejected" in said and "by bob (staff)" in said and "no money moved" in said
    assert "Reason: Used too much." in said
    assert "Would refund" not in html


def test_an_undecided_ticket_still_shows_the_policys_verdict(client, approver, ticket):
    html = desk(client, ticket)

    assert "Would refund" in html
    assert 'class="refund-outcome"' not in html


# -- item 14: the audit trail in words ---------------------------------------------------------------


def trail(html: str) -> str:
    match = re.search(r'<table class="audit-trail".*?</table>', html, re.S)
    assert match, "the desk shows no audit trail"
    return match.group(0)


def test_the_trail_writes_the_refund_time_in_the_billing_zone_not_iso_utc(client, approver, ticket):
    approve(client, ticket)

    shown = trail(desk(client, ticket))

    ticket.package.refresh_from_db()
    assert f"refunded at: – → {zoned(ticket.package.refunded_at)}" in shown
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown)


def test_the_trail_reads_the_refunds_status_change_in_words(client, approver, ticket):
    approve(client, ticket)

    shown = trail(desk(client, ticket))

    assert "status: not refunded → refunded" in shown
    assert "unrefunded" not in shown


def test_the_trail_names_the_order_id_and_writes_money_with_its_currency(client, approver, ticket):
    approve(client, ticket)

    shown = trail(desk(client, ticket))

    refund = Refund.objects.get(package=ticket.package)
    assert f"order ID: {refund.order_id}" in shown
    assert f"total: USD {refund.total}" in shown


def test_the_trail_in_chinese_has_no_english_words_left(client, approver, ticket):
    approve(client, ticket)

    shown = trail(desk(client, ticket, "zh-hans"))

    ticket.package.refresh_from_db()
    refund = Refund.objects.get(package=ticket.package)
    assert f"订单号: {refund.order_id}" in shown
    assert "状态: 未退款 → 已退款" in shown
    with translation.override("zh-hans"):
        assert f"退款时间: – → {zoned(ticket.package.refunded_at)}" in shown
    assert "（UTC+8）" in shown
    text = re.sub(r"<[^>]+>", " ", shown)
    assert not re.search(r"\b(order|status|unrefunded|was|total)\b", text), text


def test_the_conversation_names_each_message_in_chinese(client, approver, ticket):
    approve(client, ticket)

    html = desk(client, ticket, "zh-hans")

    assert "Staff on #" not in html and "Customer on #" not in html
    assert f"运营人员于 #{ticket.pk}" in html


def test_the_trails_short_columns_do_not_wrap(client, approver, ticket):
    approve(client, ticket)

    row = re.search(r"<tbody><tr>(.*?)</tr>", trail(desk(client, ticket)), re.S).group(1)

    cells = re.findall(r"<td([^>]*)>", row)
    assert [('class="nowrap"' in cell) for cell in cells] == [True, True, True, True, False, False]


def test_the_trail_writes_a_purchase_in_words_and_money_in_chinese(client, approver):
    from tickets.admin import change_text

    with translation.override("zh-hans"):
        text = change_text(None, {"list_price": "3.88", "paid_cash": "3.88", "source": "giveaway"}, action="package.purchased")

    assert text == "原价: USD 3.88；现金账户支付: USD 3.88；来源: 赠送"
