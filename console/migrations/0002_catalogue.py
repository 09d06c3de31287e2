from django.db import migrations


def load_catalogue(apps, schema_editor):
    from console.packages.catalogue import specs_load

    specs_load(apps.get_model("console", "PackageSpec"))


class Migration(migrations.Migration):
    dependencies = [("console", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
