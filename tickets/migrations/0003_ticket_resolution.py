from django.db import migrations, models

OUTCOME_BY_ACTION = {"ticket.rejected": "rejected", "ticket.refund_approved": "refunded"}


def resolutions_from_audit(apps, schema_editor):
    """Tickets resolved before this field existed: the audit trail says how each one ended."""
    Ticket = apps.get_model("tickets", "Ticket")
    AuditEntry = apps.get_model("console", "AuditEntry")
    for ticket in Ticket.objects.filter(status__in=["resolved", "closed"]).only("pk"):
        last = (
            AuditEntry.objects.filter(
                object_type="tickets.ticket", object_id=str(ticket.pk), action__in=list(OUTCOME_BY_ACTION)
            )
            .order_by("-at", "-id")
            .values_list("action", flat=True)
            .first()
        )
        if last:
            Ticket.objects.filter(pk=ticket.pk).update(resolution=OUTCOME_BY_ACTION[last])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_ticket_ticket_oldest_first"),
        ("console", "0004_discounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="resolution",
            field=models.CharField(
                blank=True,
                choices=[("", "-"), ("refunded", "Refund approved"), ("rejected", "Rejected")],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(resolutions_from_audit, migrations.RunPython.noop),
    ]
