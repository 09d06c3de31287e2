"""When the customer last reopened each ticket, read from the audit trail, and a resolution due
time counted from it for the reopened tickets still owed one (they were overdue from the moment
they were reopened)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

from tickets.service_levels import Target, WorkingCalendar, due_times

ACTIVE = ["open", "processing", "awaiting_customer"]


def reopenings_from_audit(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Holiday = apps.get_model("tickets", "Holiday")
    AuditEntry = apps.get_model("console", "AuditEntry")
    reopened = dict(
        AuditEntry.objects.filter(
            object_type="tickets.ticket", action="ticket.status_changed",
            before__status="resolved", after__status="processing",
        )
        .order_by("at", "id")
        .values_list("object_id", "at")
    )
    working = WorkingCalendar(
        zone=ZoneInfo(settings.BILLING_TIME_ZONE),
        holidays=frozenset(Holiday.objects.filter(kind="holiday").values_list("day", flat=True)),
        makeup_workdays=frozenset(Holiday.objects.filter(kind="makeup_workday").values_list("day", flat=True)),
    )
    tickets = Ticket.objects.filter(pk__in=[int(pk) for pk in reopened]).select_related("service_level")
    for ticket in tickets:
        ticket.reopened_at = reopened[str(ticket.pk)]
        level = ticket.service_level
        if ticket.status in ACTIVE and level is not None:
            target = Target(
                first_reply=timedelta(minutes=level.first_reply_minutes),
                resolution=timedelta(minutes=level.resolution_minutes), calendar=level.calendar,
            )
            ticket.resolution_due_at = due_times(
                submitted_at=ticket.created_at, target=target, working=working, reopened_at=ticket.reopened_at
            ).resolution
        ticket.save(update_fields=["reopened_at", "resolution_due_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0007_service_level_policy_holidays_saved_replies"),
        ("console", "0004_discounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reopened at"),
        ),
        migrations.RunPython(reopenings_from_audit, migrations.RunPython.noop),
    ]
