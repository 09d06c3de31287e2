"""The help desk's data migration: tickets submitted before service levels existed get due times
(Normal, from their submission) and their first staff message as their first reply."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.console.accounts.test_migrations import migrate

BEFORE = ("tickets", "0006_service_levels_and_ratings")
AFTER = ("tickets", "0007_service_level_policy_holidays_saved_replies")
ZONE = ZoneInfo("Asia/Shanghai")
FRIDAY_EVENING = datetime(2026, 12, 11, 19, 30, tzinfo=ZONE)


def old_ticket(apps):
    User, Account = apps.get_model("auth", "User"), apps.get_model("console", "Account")
    Ticket, TicketMessage = apps.get_model("tickets", "Ticket"), apps.get_model("tickets", "TicketMessage")
    user = User.objects.create(username="old-customer")
    staff = User.objects.create(username="old-staff", is_staff=True)
    ticket = Ticket.objects.create(
        account=Account.objects.create(uin=100099990101, name="Before"), raised_by=user, product="css",
        issue_type="other", title="Old", description="Old ticket", contact_email="a@example.com",
        contact_phone="+86 13800000000", created_at=FRIDAY_EVENING, updated_at=FRIDAY_EVENING,
    )
    TicketMessage.objects.create(ticket=ticket, author=user, body="More", created_at=FRIDAY_EVENING + timedelta(hours=1))
    TicketMessage.objects.create(
        ticket=ticket, author=staff, body="Answer", from_staff=True, created_at=FRIDAY_EVENING + timedelta(days=3)
    )
    return ticket.pk


@pytest.mark.django_db(transaction=True)
def test_open_tickets_get_normal_due_times_and_their_first_staff_reply(migration_history):
    apps = migrate(BEFORE, with_latest_console=True)
    apps.get_model("tickets", "ServiceLevel").objects.all().delete()
    pk = old_ticket(apps)

    apps = migrate(AFTER, with_latest_console=True)

    ticket = apps.get_model("tickets", "Ticket").objects.get(pk=pk)
    assert ticket.first_reply_due_at == datetime(2026, 12, 14, 13, 0, tzinfo=ZONE)
    assert ticket.resolution_due_at == datetime(2026, 12, 16, 18, 0, tzinfo=ZONE)
    assert ticket.first_replied_at == FRIDAY_EVENING + timedelta(days=3)
    assert ticket.service_level.priority == "normal"


@pytest.mark.django_db(transaction=True)
def test_the_migration_loads_the_policy_and_the_2026_holidays_with_make_up_days(migration_history):
    migrate(BEFORE, with_latest_console=True)

    apps = migrate(AFTER, with_latest_console=True)

    levels = apps.get_model("tickets", "ServiceLevel").objects
    holidays = apps.get_model("tickets", "Holiday").objects
    assert levels.get(issue_type="", priority="urgent").calendar == "round_the_clock"
    assert set(levels.filter(issue_type="").values_list("priority", flat=True)) == {"low", "normal", "high", "urgent"}
    assert holidays.get(day="2026-10-01").kind == "holiday"
    assert holidays.get(day="2026-10-10").kind == "makeup_workday"
