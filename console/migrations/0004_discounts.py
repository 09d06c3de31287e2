from decimal import Decimal

from django.db import migrations


def add_discounts(apps, schema_editor):
    Discount = apps.get_model("console", "Discount")
    Discount.objects.get_or_create(
        name="10% off traffic packages of 10 TB or more",
        defaults={"kind": "traffic", "min_size": Decimal("10000"), "percent": Decimal("10.00")},
    )


class Migration(migrations.Migration):
    dependencies = [("console", "0003_billing")]
    operations = [migrations.RunPython(add_discounts, migrations.RunPython.noop)]
