from django.db import migrations


def add_discounts(apps, schema_editor):
    from console.purchases.catalogue import discounts_load

    discounts_load(apps.get_model("console", "Discount"))


class Migration(migrations.Migration):
    dependencies = [("console", "0003_billing")]
    operations = [migrations.RunPython(add_discounts, migrations.RunPython.noop)]
