"""The default service-level policy, the mainland's 2026 and 2027 holidays, a few saved replies
(tickets/reference_data.py), and due times for the tickets submitted before service levels existed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import Min, OuterRef, Subquery

from tickets.reference_data import holidays_load, policy_load, saved_replies_load
from tickets.service_levels import Priority, Target, WorkingCalendar, due_times


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("tickets", "ServiceLevel")
    Holiday = apps.get_model("tickets", "Holiday")
    Ticket = apps.get_model("tickets", "Ticket")
    policy_load(ServiceLevel)
    holidays_load(Holiday)
    saved_replies_load(apps.get_model("tickets", "SavedReply"))

    # Tickets submitted before service levels existed: Normal, due from their submission.
    working = WorkingCalendar(
        zone=ZoneInfo(settings.BILLING_TIME_ZONE),
        holidays=frozenset(Holiday.objects.filter(kind="holiday").values_list("day", flat=True)),
        makeup_workdays=frozenset(Holiday.objects.filter(kind="makeup_workday").values_list("day", flat=True)),
    )
    normal = ServiceLevel.objects.get(issue_type="", priority=Priority.NORMAL)
    target = Target(
        first_reply=timedelta(minutes=normal.first_reply_minutes),
        resolution=timedelta(minutes=normal.resolution_minutes), calendar=normal.calendar,
    )
    for ticket in Ticket.objects.filter(first_reply_due_at__isnull=True).only("pk", "created_at"):
        due = due_times(submitted_at=ticket.created_at, target=target, working=working)
        Ticket.objects.filter(pk=ticket.pk).update(
            service_level=normal, first_reply_due_at=due.first_reply, resolution_due_at=due.resolution,
        )
    # Their first reply is their first staff message.
    TicketMessage = apps.get_model("tickets", "TicketMessage")
    first_staff_message = (
        TicketMessage.objects.filter(ticket=OuterRef("pk"), from_staff=True)
        .values("ticket").annotate(first=Min("created_at")).values("first")
    )
    Ticket.objects.filter(first_replied_at__isnull=True).update(first_replied_at=Subquery(first_staff_message))


def unseed(apps, schema_editor):
    # The tables go with the previous migration; the tickets' due times with it too.
    apps.get_model("tickets", "Ticket").objects.update(
        service_level=None, first_reply_due_at=None, resolution_due_at=None, first_replied_at=None
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_service_levels_and_ratings")]

    operations = [migrations.RunPython(seed, unseed)]
