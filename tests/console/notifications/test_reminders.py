"""Reminders as Tencent Cloud's CSS console sends them: expiry and low remaining, once per type,
account and day, to the recipients the owner chose, in the message center and by e-mail."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from console.core import clock
from console.notifications import services
from console.notifications.models import (
    Notification,
    NotificationDelivery,
    OutboxMessage,
    ReminderKind,
    ReminderRecipient,
)
from tests.factories import DeductionFactory, MemberFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db

# 10:00 on 10 March 2026 in Beijing.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
TODAY = NOW.astimezone(clock.billing_zone()).date()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def owner():
    return MemberFactory(account__name="Aurora Live", account__uin=100000000042)


def expiring_in(account, days: int, *, hour: int = 15, **kwargs):
    """A package that expires `days` calendar days after today (Beijing), at `hour` o'clock."""
    local = datetime.combine(TODAY + timedelta(days=days), datetime.min.time(), tzinfo=clock.billing_zone())
    expires = local.replace(hour=hour)
    return PackageFactory(owner=account, purchased_at=expires - timedelta(days=365), expires_at=expires, **kwargs)


def used_package(account, *, total_used_before: str, on_day: str, later: str | None = None):
    """A 100 GB package that had used `total_used_before` GB, then `on_day` GB for YESTERDAY."""
    package = PackageFactory(owner=account, spec_name="100 GB", purchased_at=NOW - timedelta(days=30))
    if Decimal(total_used_before):
        DeductionFactory(package=package, usage_date=YESTERDAY - timedelta(days=1), usage=Decimal(total_used_before))
    DeductionFactory(package=package, usage_date=YESTERDAY, usage=Decimal(on_day))
    if later:
        DeductionFactory(package=package, usage_date=TODAY, usage=Decimal(later))
    return package


# --- expiry -------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 15, 7, 1])
def test_a_package_30_15_7_or_1_day_from_expiry_is_reminded(owner, days):
    package = expiring_in(owner.account, days)

    assert services.expiry_reminders_create(day=TODAY) == 1

    notification = Notification.objects.get(account=owner.account, kind=ReminderKind.EXPIRY, day=TODAY)
    assert [p["code"] for p in notification.packages] == [package.code]
    assert f"(in {days} day" in notification.body


@pytest.mark.parametrize("days", [31, 29, 16, 8, 2, 0])
def test_a_package_on_any_other_day_before_expiry_is_not_reminded(owner, days):
    expiring_in(owner.account, days, hour=23)

    assert services.expiry_reminders_create(day=TODAY) == 0


def test_the_days_are_counted_in_the_billing_calendar(owner):
    # 00:30 in Beijing seven days on is still the evening before in UTC: seven days, not six.
    expiring_in(owner.account, 7, hour=0)

    services.expiry_reminders_create(day=TODAY)

    assert Notification.objects.get().packages[0]["days_left"] == 7


def test_refunded_and_used_up_packages_are_not_reminded_of_expiry(owner):
    expiring_in(owner.account, 7, refunded_at=NOW, refunded_cash=Decimal("3.88"))
    used_up = expiring_in(owner.account, 15)
    type(used_up).objects.filter(pk=used_up.pk).update(used=used_up.total)

    assert services.expiry_reminders_create(day=TODAY) == 0


def test_several_packages_expiring_make_one_message(owner, mailoutbox, django_capture_on_commit_callbacks):
    first, second = expiring_in(owner.account, 30), expiring_in(owner.account, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.expiry_reminders_create(day=TODAY)

    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
    assert first.code in mailoutbox[0].body and second.code in mailoutbox[0].body


def test_a_rerun_on_the_same_day_sends_nothing_twice(owner, mailoutbox, django_capture_on_commit_callbacks):
    expiring_in(owner.account, 7)
    with django_capture_on_commit_callbacks(execute=True):
        services.expiry_reminders_create(day=TODAY)
        expiring_in(owner.account, 15)  # a second trigger later the same day

        assert services.expiry_reminders_create(day=TODAY) == 0

    assert Notification.objects.count() == 1
    assert NotificationDelivery.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_database_refuses_a_second_reminder_of_a_type_for_an_account_and_day(owner):
    expiring_in(owner.account, 7)
    services.expiry_reminders_create(day=TODAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            account=owner.account, kind=ReminderKind.EXPIRY, day=TODAY, created_at=NOW, subject="s", body="b"
        )


def test_the_next_reminder_day_reminds_again(owner):
    expiring_in(owner.account, 8)
    services.expiry_reminders_create(day=TODAY)
    assert Notification.objects.count() == 0

    services.expiry_reminders_create(day=TODAY + timedelta(days=1))

    assert Notification.objects.get().day == TODAY + timedelta(days=1)


# --- low remaining ------------------------------------------------------------------------------


def test_a_settlement_that_leaves_less_than_15_percent_reminds(owner):
    package = used_package(owner.account, total_used_before="80", on_day="10")  # 20% -> 10% left

    assert services.low_remaining_reminders_create(day=YESTERDAY) == 1

    notification = Notification.objects.get(kind=ReminderKind.LOW_REMAINING)
    assert notification.day == YESTERDAY
    assert notification.packages[0]["code"] == package.code
    assert notification.packages[0]["remaining"] == "10.000"


@pytest.mark.parametrize(
    ("before", "on_day", "reminded"),
    [
        ("85", "0.001", True),  # exactly 15% left before, just under after
        ("84.999", "0.001", False),  # 15.001% -> exactly 15%: not below yet
        ("86", "10", False),  # already below 15% before the day
        ("50", "30", False),  # 50% -> 20%: still above
        ("0", "100", True),  # used up in one day
    ],
)
def test_only_a_crossing_of_15_percent_reminds(owner, before, on_day, reminded):
    used_package(owner.account, total_used_before=before, on_day=on_day)

    assert services.low_remaining_reminders_create(day=YESTERDAY) == int(reminded)


def test_the_answer_is_the_same_after_later_days_are_billed(owner):
    used_package(owner.account, total_used_before="80", on_day="10", later="5")

    assert services.low_remaining_reminders_create(day=YESTERDAY) == 1


def test_packages_of_other_accounts_are_left_to_their_shard(owner):
    other = MemberFactory()
    used_package(other.account, total_used_before="80", on_day="10")

    assert services.low_remaining_reminders_create(day=YESTERDAY, account_ids=[owner.account_id]) == 0


def test_expiry_and_low_remaining_on_the_same_day_are_two_messages(owner):
    expiring_in(owner.account, 1)
    used_package(owner.account, total_used_before="80", on_day="10")

    services.expiry_reminders_create(day=YESTERDAY + timedelta(days=1))
    services.low_remaining_reminders_create(day=YESTERDAY)

    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["expiry", "low_remaining"]


# --- who receives them --------------------------------------------------------------------------


def test_by_default_the_owner_receives_reminders_in_the_console_and_by_email(
    owner, django_capture_on_commit_callbacks, mailoutbox
):
    MemberFactory(account=owner.account, sub_user=True)
    expiring_in(owner.account, 7)

    with django_capture_on_commit_callbacks(execute=True):
        services.expiry_reminders_create(day=TODAY)

    assert list(NotificationDelivery.objects.values_list("user", flat=True)) == [owner.user_id]
    assert [m.to for m in mailoutbox] == [[owner.user.email]]


def test_the_owners_choice_sends_a_type_to_a_sub_user_by_email_only(owner, django_capture_on_commit_callbacks, mailoutbox):
    sub_user = MemberFactory(account=owner.account, sub_user=True)
    services.reminder_recipients_set(member=owner, choices={
        (owner.pk, ReminderKind.EXPIRY): (True, False),
        (sub_user.pk, ReminderKind.EXPIRY): (False, True),
    })
    expiring_in(owner.account, 7)

    with django_capture_on_commit_callbacks(execute=True):
        services.expiry_reminders_create(day=TODAY)

    assert list(NotificationDelivery.objects.values_list("user", flat=True)) == [owner.user_id]
    assert [m.to for m in mailoutbox] == [[sub_user.user.email]]


def test_a_choice_for_one_type_leaves_the_other_type_at_its_default(owner):
    sub_user = MemberFactory(account=owner.account, sub_user=True)
    services.reminder_recipients_set(member=owner, choices={(sub_user.pk, ReminderKind.EXPIRY): (True, True)})
    used_package(owner.account, total_used_before="80", on_day="10")

    services.low_remaining_reminders_create(day=YESTERDAY)

    assert list(NotificationDelivery.objects.values_list("user", flat=True)) == [owner.user_id]


def test_a_recipient_without_an_email_address_gets_it_in_the_console_only(django_capture_on_commit_callbacks):
    owner = MemberFactory(user=UserFactory(email=""))
    expiring_in(owner.account, 7)

    with django_capture_on_commit_callbacks(execute=True):
        services.expiry_reminders_create(day=TODAY)

    assert NotificationDelivery.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_only_the_owner_chooses_who_receives_reminders(owner):
    from console.core.errors import PermissionRefused

    sub_user = MemberFactory(account=owner.account, sub_user=True)

    with pytest.raises(PermissionRefused):
        services.reminder_recipients_set(member=sub_user, choices={(sub_user.pk, ReminderKind.EXPIRY): (True, True)})
    assert not ReminderRecipient.objects.exists()


def test_the_owner_cannot_choose_a_user_of_another_account(owner):
    from console.core.errors import InvalidRequest

    stranger = MemberFactory()

    with pytest.raises(InvalidRequest):
        services.reminder_recipients_set(member=owner, choices={(stranger.pk, ReminderKind.EXPIRY): (True, True)})


def test_choosing_recipients_is_audited(owner):
    from console.core.models import AuditEntry

    services.reminder_recipients_set(member=owner, choices={(owner.pk, ReminderKind.EXPIRY): (True, False)})

    entry = AuditEntry.objects.get(action="notifications.recipients_set")
    assert entry.after == {f"{owner.pk}:expiry": [True, False]}


def test_created_at_is_the_clock_of_the_console(owner):
    expiring_in(owner.account, 7)

    services.expiry_reminders_create(day=TODAY)

    assert Notification.objects.get().created_at == NOW
    assert timezone.is_aware(Notification.objects.get().created_at)


def test_send_reminders_sends_the_days_reminders_once(owner, capsys):
    from django.core.management import call_command

    expiring_in(owner.account, 7)
    used_package(owner.account, total_used_before="80", on_day="10")

    call_command("send_reminders", "--date", TODAY.isoformat())
    call_command("send_reminders", "--date", TODAY.isoformat())

    assert Notification.objects.count() == 2
    assert capsys.readouterr().out.splitlines() == [
        f"Reminders for {TODAY}: 1 expiry, 1 low remaining (settlement of {YESTERDAY}).",
        f"Reminders for {TODAY}: 0 expiry, 0 low remaining (settlement of {YESTERDAY}).",
    ]
