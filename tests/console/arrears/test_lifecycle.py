"""The overdue-payment lifecycle: in arrears -> suspended at the deadline -> repossessed after 60
days (warned 7 days and 1 day before); settled at any point -> good standing; violations untouched."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from console.accounts.models import AccountStatus as S
from console.billing.arrears import GRACE, REPOSSESS_AFTER, Event, standing_next, standing_sweep
from console.billing.run import billing_run
from console.billing.tasks import standing_sweep_task
from console.core.models import AuditEntry
from console.notifications.models import Notification, OutboxMessage, ReminderKind
from tests.console.arrears.moments import DAY, NOW
from tests.factories import FundedAccountFactory, MemberFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

OWED = Decimal("5.00")


def in_arrears(now):
    """An account billed into arrears at NOW (its owner receives the notices)."""
    account = FundedAccountFactory(funds={"cash": "0.10"})
    MemberFactory(account=account)
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("100"))
    billing_run(day=DAY)
    account.refresh_from_db()
    return account


def facts(**kwargs):
    values = {"status": S.ACTIVE, "owed": OWED, "since": None, "deadline": None, "warned": None, "now": NOW}
    values.update(kwargs)
    return standing_next(**values)


# --- the rule ----------------------------------------------------------------------------------


def test_an_amount_owed_puts_an_active_account_in_arrears_with_24_hours_to_pay():
    step = facts()

    assert (step.event, step.status, step.deadline) == (Event.ARREARS, S.IN_ARREARS, NOW + GRACE)


def test_an_account_in_arrears_is_not_suspended_a_second_before_its_deadline():
    assert facts(status=S.IN_ARREARS, since=NOW, deadline=NOW + timedelta(seconds=1)) is None


def test_an_account_in_arrears_is_suspended_at_its_deadline_counted_from_the_deadline():
    step = facts(status=S.IN_ARREARS, since=NOW - GRACE, deadline=NOW)

    assert (step.event, step.status, step.since) == (Event.SUSPENDED, S.SUSPENDED_OVERDUE, NOW)


@pytest.mark.parametrize(("days_before", "warned", "expected"), [(7, None, 7), (1, 7, 1), (1, None, 1)])
def test_repossession_is_warned_7_days_and_1_day_before(days_before, warned, expected):
    since = NOW - REPOSSESS_AFTER + timedelta(days=days_before)

    step = facts(status=S.SUSPENDED_OVERDUE, since=since, warned=warned)

    assert (step.event, step.warned) == (Event.WARNING, expected)


def test_a_warning_already_sent_is_not_sent_again():
    since = NOW - REPOSSESS_AFTER + timedelta(days=6)

    assert facts(status=S.SUSPENDED_OVERDUE, since=since, warned=7) is None


def test_the_remaining_resources_are_repossessed_after_60_days_suspended():
    step = facts(status=S.SUSPENDED_OVERDUE, since=NOW - REPOSSESS_AFTER, warned=1)

    assert (step.event, step.status) == (Event.REPOSSESSED, S.REPOSSESSED)


@pytest.mark.parametrize("status", [S.SUSPENDED_OVERDUE, S.REPOSSESSED])
def test_nothing_owed_lifts_an_overdue_suspension(status):
    step = facts(status=status, owed=Decimal("0.00"), since=NOW - timedelta(days=3))

    assert (step.event, step.status) == (Event.LIFTED, S.ACTIVE)


@pytest.mark.parametrize("owed", [Decimal("0.00"), OWED])
def test_a_suspension_for_violations_is_never_lifted_nor_replaced(owed):
    assert facts(status=S.SUSPENDED_VIOLATION, owed=owed, deadline=NOW - timedelta(days=1)) is None


# --- the writers --------------------------------------------------------------------------------


def test_the_billing_run_puts_the_account_in_arrears_and_sends_the_notice_with_the_deadline(now):
    account = in_arrears(now)

    notice = Notification.objects.get(account=account, kind=ReminderKind.OVERDUE)
    assert account.status == S.IN_ARREARS
    assert "Overdue payment: top up USD" in notice.subject
    assert OutboxMessage.objects.filter(key__startswith=f"standing:{account.pk}:arrears:").count() == 1


def test_the_arrears_notice_is_written_in_chinese_too(now):
    account = in_arrears(now)

    notice = Notification.objects.get(account=account, kind=ReminderKind.OVERDUE)
    assert set(notice.texts) == {"en", "zh-hans"}


def test_the_sweep_suspends_the_account_at_its_deadline_and_is_idempotent(now):
    account = in_arrears(now)
    now.at = NOW + GRACE

    first, second = standing_sweep(), standing_sweep()

    account.refresh_from_db()
    assert (first, second) == (1, 0)
    assert account.status == S.SUSPENDED_OVERDUE
    assert AuditEntry.objects.filter(action="account.standing_changed", object_id=str(account.pk)).count() == 2


def test_the_sweep_leaves_an_account_alone_before_its_deadline(now):
    account = in_arrears(now)
    now.at = NOW + GRACE - timedelta(minutes=1)

    standing_sweep()

    account.refresh_from_db()
    assert account.status == S.IN_ARREARS


def test_the_sweep_task_is_scheduled_by_celery_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["standing-sweep"]["task"] == standing_sweep_task.name


def test_a_suspended_account_keeps_being_billed_and_owes_more(now):
    account = in_arrears(now)
    now.at = NOW + GRACE
    standing_sweep()
    owed = account.owed_balance
    UsageRecordFactory(account=account, day=DAY + timedelta(days=1), item="lvb:mainland", quantity=Decimal("10"))

    billing_run(day=DAY + timedelta(days=1))

    account.refresh_from_db()
    assert account.status == S.SUSPENDED_OVERDUE
    assert account.owed_balance > owed


def test_sixty_one_days_later_the_sweep_repossesses_and_each_step_has_its_notice(now):
    account = in_arrears(now)
    for offset in (GRACE, GRACE + timedelta(days=53), GRACE + timedelta(days=59), GRACE + REPOSSESS_AFTER):
        now.at = NOW + offset
        standing_sweep()

    account.refresh_from_db()
    subjects = list(Notification.objects.filter(account=account, kind=ReminderKind.OVERDUE).order_by("id").values_list("subject", flat=True))
    assert account.status == S.REPOSSESSED
    assert subjects == [
        subjects[0],  # the arrears notice
        "Streaming services suspended for overdue payment",
        "Repossession in 7 days: settle the amount owed",
        "Repossession in 1 day: settle the amount owed",
        "Streaming resources repossessed for overdue payment",
    ]


def test_the_banner_shows_the_countdown_to_the_deadline_on_every_page(client, now):
    account = in_arrears(now)
    client.force_login(account.members.get().user)
    now.at = NOW + timedelta(hours=2)

    html = client.get(reverse("tickets:mine")).content.decode()

    assert 'data-status="in_arrears"' in html
    assert "22h 0m left" in html
    assert 'data-testid="banner-top-up"' in html


def test_the_suspension_notice_is_mailed_in_the_recipients_language(now):
    account = in_arrears(now)
    owner = account.members.get().user
    from console.accounts.preferences import UserPreference

    UserPreference.objects.update_or_create(user=owner, defaults={"language": "zh-hans"})
    now.at = NOW + GRACE

    standing_sweep()

    message = OutboxMessage.objects.get(key__startswith=f"standing:{account.pk}:suspended:")
    assert message.subject == "直播服务已因欠费停服"
