"""The package page's stored status and indexes.

`family` (the console tab) and `state` (the time-independent part of the status) are generated
columns: the database keeps them equal to the package's own columns, whoever writes them. The two
page indexes answer each tab in each sort order with the status filter checked inside the index;
on PostgreSQL a trigram index answers the search by part of a package ID.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def code_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; it is for development and the tests
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS package_code_trigram ON console_package USING gin (UPPER(code::text) gin_trgm_ops)"
    )


def drop_code_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS package_code_trigram")


class Migration(migrations.Migration):

    dependencies = [
        ("console", "0007_exact_money_checks"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="package",
            name="package_owner_kind_bought",
        ),
        migrations.AddField(
            model_name="package",
            name="family",
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(kind__in=["traffic"], then=models.Value("traffic")), models.When(kind__in=["transcode_standard", "transcode_tsc"], then=models.Value("transcoding")), default=models.Value("other")), output_field=models.CharField(choices=[("traffic", "Traffic package"), ("transcoding", "Transcoding package"), ("other", "Plugins & other packages")], max_length=16)),
        ),
        migrations.AddField(
            model_name="package",
            name="state",
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(refunded_at__isnull=False, then=models.Value("refunded")), models.When(then=models.Value("exhausted"), used__gte=models.F("total")), models.When(then=models.Value("in_use"), used__gt=0), default=models.Value("unused")), output_field=models.CharField(choices=[("unused", "Unused"), ("in_use", "In use"), ("exhausted", "Used up"), ("refunded", "Refunded")], max_length=16)),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(fields=["owner", "family", "purchased_at", "id", "expires_at", "state"], name="package_page_bought"),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(fields=["owner", "family", "expires_at", "id", "state"], name="package_page_expiry"),
        ),
        TrigramExtension(),
        migrations.RunPython(code_trigram_index, drop_code_trigram_index, elidable=True),
    ]
