"""The mobile live licence's spec is named by its term, "1 year", as the other sizes are ("5 hours"):
its kind already says "Mobile live licence", and pages showed "Mobile live licence · Mobile live
licence, 1 year". Memos written before keep the former name and read as the new one
(console.packages.catalogue.FORMER_NAMES)."""

from django.db import migrations

# As the catalogue had them when this was written (migrations do not import code that may change).
RENAMED = {"licence": [("Mobile live licence, 1 year", "1 year")]}


def rename(apps, schema_editor):
    PackageSpec = apps.get_model("console", "PackageSpec")
    for kind, pairs in RENAMED.items():
        for old, new in pairs:
            if not PackageSpec.objects.filter(kind=kind, name=new).exists():
                PackageSpec.objects.filter(kind=kind, name=old).update(name=new)


def rename_back(apps, schema_editor):
    PackageSpec = apps.get_model("console", "PackageSpec")
    for kind, pairs in RENAMED.items():
        for old, new in pairs:
            if not PackageSpec.objects.filter(kind=kind, name=old).exists():
                PackageSpec.objects.filter(kind=kind, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0018_purchase_keys_per_account"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
