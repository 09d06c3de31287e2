from django.db import migrations


def load_catalogue(apps, schema_editor):
    from console.catalogue import catalogue_rows

    PackageSpec = apps.get_model("console", "PackageSpec")
    for row in catalogue_rows():
        PackageSpec.objects.update_or_create(
            kind=row["kind"], name=row["name"], defaults={"size": row["size"], "list_price": row["list_price"]}
        )


class Migration(migrations.Migration):
    dependencies = [("console", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
