"""When each closed ticket was closed: the audit trail's status change, else its last update (a
closed ticket takes no further change). The report's breaches count what was owed until then."""

from django.db import migrations, models
from django.db.models import F


def closings_from_audit(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    AuditEntry = apps.get_model("console", "AuditEntry")
    closed = dict(
        AuditEntry.objects.filter(object_type="tickets.ticket", action="ticket.status_changed", after__status="closed")
        .order_by("at", "id")
        .values_list("object_id", "at")
    )
    for ticket_id, at in closed.items():
        Ticket.objects.filter(pk=int(ticket_id), status="closed").update(closed_at=at)
    Ticket.objects.filter(status="closed", closed_at__isnull=True).update(closed_at=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0008_ticket_reopened_at"),
        ("console", "0004_discounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
        migrations.RunPython(closings_from_audit, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "closed"), _negated=True) | models.Q(closed_at__isnull=False),
                name="ticket_closed_has_time",
            ),
        ),
    ]
