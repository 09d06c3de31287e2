"""Refund order numbers: every refund, old ones included, gets one; the API's channel and the
RefundInstance request's SubProductCode and RegionCode are recorded.

The order ID is added nullable, existing rows are numbered from their own refund day and primary
key (unique, since the key is), then the column becomes required and unique; new rows get
`refunds.models.new_order_id` (the day and 12 random digits)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

import refunds.models


def number_existing_refunds(apps, schema_editor):
    Refund = apps.get_model("refunds", "Refund")
    zone = ZoneInfo(settings.BILLING_TIME_ZONE)
    for refund in Refund.objects.filter(order_id__isnull=True).only("pk", "created_at").iterator():
        day = refund.created_at.astimezone(zone).strftime("%Y%m%d")
        Refund.objects.filter(pk=refund.pk).update(order_id=f"{day}{refund.pk:012d}")


class Migration(migrations.Migration):

    dependencies = [
        ("refunds", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="refund",
            name="order_id",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="order ID"),
        ),
        migrations.RunPython(number_existing_refunds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="refund",
            name="order_id",
            field=models.CharField(
                default=refunds.models.new_order_id, editable=False, max_length=32, unique=True, verbose_name="order ID"
            ),
        ),
        migrations.AddField(
            model_name="refund",
            name="region_code",
            field=models.CharField(blank=True, max_length=64, verbose_name="RegionCode"),
        ),
        migrations.AddField(
            model_name="refund",
            name="sub_product_code",
            field=models.CharField(blank=True, max_length=64, verbose_name="SubProductCode"),
        ),
        migrations.AlterField(
            model_name="refund",
            name="channel",
            field=models.CharField(
                choices=[("self_service", "Console"), ("api", "API"), ("ticket", "Ticket")], max_length=16
            ),
        ),
    ]
