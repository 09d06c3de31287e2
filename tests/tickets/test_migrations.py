"""Migration 0008 reads each ticket's latest reopening from the audit trail and counts the
resolution of a reopened ticket still owed one from it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import MemberFactory

ZONE = ZoneInfo("Asia/Shanghai")
CONSOLE = ("console", "0023_billing_modes_history_and_daily_peaks")
BEFORE = ("tickets", "0007_service_level_policy_holidays_saved_replies")
AFTER = ("tickets", "0008_ticket_reopened_at")
SUBMITTED = datetime(2026, 12, 8, 10, 0, tzinfo=ZONE)


@pytest.mark.django_db(transaction=True)
def test_a_ticket_reopened_before_the_migration_owes_its_resolution_counted_from_the_reopening(migrator):
    apps = migrator.migrate(BEFORE, CONSOLE)
    member = MemberFactory()
    normal = apps.get_model("tickets", "ServiceLevel").objects.get(issue_type="", priority="normal")
    ticket = apps.get_model("tickets", "Ticket").objects.create(
        account_id=member.account_id, raised_by_id=member.user_id, product="css", issue_type="other", title="Q",
        description="Please help.", contact_email="ops@example.com", contact_phone="+86 13800000000",
        status="processing", created_at=SUBMITTED, updated_at=SUBMITTED, service_level=normal,
        first_replied_at=SUBMITTED, first_reply_due_at=datetime(2026, 12, 8, 14, 0, tzinfo=ZONE),
        resolution_due_at=datetime(2026, 12, 11, 10, 0, tzinfo=ZONE),
    )
    sunday = datetime(2026, 12, 13, 10, 0, tzinfo=ZONE)
    apps.get_model("console", "AuditEntry").objects.create(
        at=sunday, actor_label="owner", action="ticket.status_changed", object_type="tickets.ticket",
        object_id=str(ticket.pk), before={"status": "resolved"}, after={"status": "processing"},
    )

    apps = migrator.migrate(AFTER, CONSOLE)

    migrated = apps.get_model("tickets", "Ticket").objects.get(pk=ticket.pk)
    # Normal's 27 business hours from Monday 09:00.
    assert (migrated.reopened_at, migrated.resolution_due_at) == (sunday, datetime(2026, 12, 16, 18, 0, tzinfo=ZONE))
