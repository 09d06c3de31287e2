"""Issue 23, item 21: every moment the presenter and the customer read is written one way, through
`console_format.zoned`: "2026-03-01 09:30:00 (UTC+8)", in Chinese "2026-03-01 09:30:00（UTC+8）"."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from console.core import clock
from tests.factories import MemberFactory, PackageFactory, UserFactory

BEIJING = clock.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def owner_client(demo_mode, client):
    demo_mode.BILLING_TIME_ZONE = "Asia/Shanghai"
    member = MemberFactory(user=UserFactory(username="demo"))
    client.force_login(member.user)
    client.member = member
    return client


def in_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_the_demo_bar_writes_the_demo_time_with_the_offset_as_utc_plus_8(demo_mode, client):
    demo_mode.BILLING_TIME_ZONE = "Asia/Shanghai"
    clock.set_offset(datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING) - clock.timezone.now())

    html = client.get(reverse("login")).content.decode()

    assert "2026-03-01 09:30:" in html
    assert "(UTC+8)</time>" in html
    assert "UTC+0800" not in html


def test_the_demo_bar_in_chinese_puts_the_zone_in_full_width_brackets(demo_mode, client):
    demo_mode.BILLING_TIME_ZONE = "Asia/Shanghai"

    html = in_chinese(client).get(reverse("login")).content.decode()

    assert "（UTC+8）</time>" in html


def test_the_clock_message_names_the_zone_as_utc_plus_8_not_its_database_name(owner_client):
    response = owner_client.post(reverse("demo:clock"), {"step": "hour", "next": "/"}, follow=True)

    html = response.content.decode()
    assert "(UTC+8)." in html
    assert "(Asia/Shanghai)" not in html


def test_the_clock_message_in_chinese_uses_full_width_brackets(owner_client):
    response = in_chinese(owner_client).post(reverse("demo:clock"), {"step": "hour", "next": "/"}, follow=True)

    assert "（UTC+8）" in response.content.decode()


def test_the_deadline_chooser_writes_each_deadline_with_its_zone(owner_client):
    PackageFactory(owner=owner_client.member.account, purchased_at=clock.now() - timedelta(days=1))

    html = owner_client.get(reverse("demo:deadline")).content.decode()

    assert "23:59:59 (UTC+8)</option>" in html


def test_the_deadline_chooser_in_chinese_writes_the_zone_in_full_width_brackets(owner_client):
    PackageFactory(owner=owner_client.member.account, purchased_at=clock.now() - timedelta(days=1))

    html = in_chinese(owner_client).get(reverse("demo:deadline")).content.decode()

    assert "23:59:59（UTC+8）</option>" in html
    assert "23:59:59（UTC+8）结束" in html  # the hint above the chooser too


def test_the_refund_dialog_in_chinese_writes_the_uin_in_full_width_brackets(owner_client):
    account = owner_client.member.account
    package = PackageFactory(owner=account)

    html = in_chinese(owner_client).get(reverse("refund_dialog", args=[package.pk])).content.decode()

    assert f"（UIN {account.uin}）" in html
    assert f"(UIN {account.uin})" not in html


def test_an_overdue_payment_notice_writes_its_deadline_as_utc_plus_8(settings):
    from decimal import Decimal

    from django.utils import translation

    from console.billing.arrears import Event
    from console.billing.hooks import StandingChange
    from console.notifications.standing import standing_text

    settings.BILLING_TIME_ZONE = "Asia/Shanghai"
    change = StandingChange(
        account_id=1, event=Event.ARREARS, status="arrears", owed=Decimal("19.74"),
        deadline=datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING), repossession_at=None, warned_days=None,
        at=datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING),
    )

    subject, body = standing_text(change)
    with translation.override("zh-hans"):
        chinese_subject, _ = standing_text(change)

    assert "2026-03-02 09:30:00 (UTC+8)" in subject and "2026-03-02 09:30:00 (UTC+8)" in body
    assert "Asia/Shanghai" not in subject + body
    assert "2026-03-02 09:30:00（UTC+8）" in chinese_subject
