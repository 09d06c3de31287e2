"""Packages bought by auto-renewal before `renewed_from` existed are linked to the package they
renewed, read from their purchase's key as the daily billing wrote it up to migration 0015:
"renew:<renewed package id>:<billing day>:<attempt>"."""

from django.db import migrations


def renewals_link(apps, schema_editor):
    Package = apps.get_model("console", "Package")
    Purchase = apps.get_model("console", "Purchase")
    renewals = Purchase.objects.filter(idempotency_key__startswith="renew:").order_by("pk")
    for package_id, owner_id, key in renewals.values_list("package_id", "package__owner_id", "idempotency_key").iterator(
        chunk_size=2000
    ):
        parts = key.split(":")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        # Only a package of the same owner, as the billing renews: a key is not taken on trust.
        renewed = Package.objects.filter(pk=int(parts[1]), owner_id=owner_id).exclude(pk=package_id)
        if renewed.exists():
            Package.objects.filter(pk=package_id, renewed_from__isnull=True).update(renewed_from_id=int(parts[1]))


class Migration(migrations.Migration):
    dependencies = [("console", "0016_ledger_memos_as_facts")]

    # Backwards there is nothing to undo: migrating 0015 back removes the column.
    operations = [migrations.RunPython(renewals_link, migrations.RunPython.noop)]
