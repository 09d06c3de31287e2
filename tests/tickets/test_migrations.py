"""The tickets' data migrations: 0008 reads each ticket's latest reopening from the audit trail and
counts the resolution of a reopened ticket still owed one from it; 0009 reads when each closed
ticket was closed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import MemberFactory

ZONE = ZoneInfo("Asia/Shanghai")
CONSOLE = ("console", "0023_billing_modes_history_and_daily_peaks")
SERVICE_LEVELS = ("tickets", "0007_service_level_policy_holidays_saved_replies")
REOPENED_AT = ("tickets", "0008_ticket_reopened_at")
CLOSED_AT = ("tickets", "0009_ticket_closed_at")
SUBMITTED = datetime(2026, 12, 8, 10, 0, tzinfo=ZONE)


def ticket_create(apps, **fields):
    member = MemberFactory()
    return apps.get_model("tickets", "Ticket").objects.create(
        account_id=member.account_id, raised_by_id=member.user_id, product="css", issue_type="other", title="Q",
        description="Please help.", contact_email="ops@example.com", contact_phone="+86 13800000000",
        created_at=SUBMITTED, **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_a_ticket_reopened_before_the_migration_owes_its_resolution_counted_from_the_reopening(migrator):
    apps = migrator.migrate(SERVICE_LEVELS, CONSOLE)
    # Migration tests start from whatever tables a transactional test before them emptied.
    normal, _ = apps.get_model("tickets", "ServiceLevel").objects.get_or_create(
        issue_type="", priority="normal",
        defaults={"first_reply_minutes": 240, "resolution_minutes": 1620, "calendar": "business_hours"},
    )
    ticket = ticket_create(
        apps, status="processing", updated_at=SUBMITTED, service_level=normal,
        first_replied_at=SUBMITTED, first_reply_due_at=datetime(2026, 12, 8, 14, 0, tzinfo=ZONE),
        resolution_due_at=datetime(2026, 12, 11, 10, 0, tzinfo=ZONE),
    )
    sunday = datetime(2026, 12, 13, 10, 0, tzinfo=ZONE)
    apps.get_model("console", "AuditEntry").objects.create(
        at=sunday, actor_label="owner", action="ticket.status_changed", object_type="tickets.ticket",
        object_id=str(ticket.pk), before={"status": "resolved"}, after={"status": "processing"},
    )

    apps = migrator.migrate(REOPENED_AT, CONSOLE)

    migrated = apps.get_model("tickets", "Ticket").objects.get(pk=ticket.pk)
    # Normal's 27 business hours from Monday 09:00.
    assert (migrated.reopened_at, migrated.resolution_due_at) == (sunday, datetime(2026, 12, 16, 18, 0, tzinfo=ZONE))


@pytest.mark.django_db(transaction=True)
def test_a_ticket_closed_before_the_migration_was_closed_when_its_audit_trail_says(migrator):
    apps = migrator.migrate(REOPENED_AT, CONSOLE)
    closing = datetime(2026, 12, 9, 15, 0, tzinfo=ZONE)
    ticket = ticket_create(apps, status="closed", updated_at=closing)
    apps.get_model("console", "AuditEntry").objects.create(
        at=closing, actor_label="owner", action="ticket.status_changed", object_type="tickets.ticket",
        object_id=str(ticket.pk), before={"status": "open"}, after={"status": "closed"},
    )
    # A later write that is not a closing: the audit trail, not the last update, says when.
    apps.get_model("tickets", "Ticket").objects.filter(pk=ticket.pk).update(updated_at=closing + timedelta(days=1))

    apps = migrator.migrate(CLOSED_AT, CONSOLE)

    assert apps.get_model("tickets", "Ticket").objects.get(pk=ticket.pk).closed_at == closing


@pytest.mark.django_db(transaction=True)
def test_a_closed_ticket_without_an_audited_closing_was_closed_at_its_last_update(migrator):
    apps = migrator.migrate(REOPENED_AT, CONSOLE)
    ticket = ticket_create(apps, status="closed", updated_at=datetime(2026, 12, 9, 15, 0, tzinfo=ZONE))

    apps = migrator.migrate(CLOSED_AT, CONSOLE)

    assert apps.get_model("tickets", "Ticket").objects.get(pk=ticket.pk).closed_at == ticket.updated_at
