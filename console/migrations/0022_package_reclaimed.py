"""Packages reclaimed when their account is repossessed for overdue payment.

`reclaimed_at` records when; the stored `state` (a generated column) gains "reclaimed". A
generated column cannot be altered in place, so it is dropped and added again with its new
expression, and the two page indexes that hold it with it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("console", "0021_top_ups"),
    ]

    operations = [
        migrations.AddField(
            model_name="package",
            name="reclaimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reclaimed at"),
        ),
        migrations.RemoveIndex(model_name="package", name="package_page_bought"),
        migrations.RemoveIndex(model_name="package", name="package_page_expiry"),
        migrations.RemoveField(model_name="package", name="state"),
        migrations.AddField(
            model_name="package",
            name="state",
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(refunded_at__isnull=False, then=models.Value("refunded")), models.When(reclaimed_at__isnull=False, then=models.Value("reclaimed")), models.When(then=models.Value("exhausted"), used__gte=models.F("total")), models.When(then=models.Value("in_use"), used__gt=0), default=models.Value("unused")), output_field=models.CharField(choices=[("unused", "Unused"), ("in_use", "In use"), ("exhausted", "Used up"), ("refunded", "Refunded"), ("reclaimed", "Reclaimed")], max_length=16), verbose_name="state"),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(fields=["owner", "family", "purchased_at", "id", "expires_at", "state"], name="package_page_bought"),
        ),
        migrations.AddIndex(
            model_name="package",
            index=models.Index(fields=["owner", "family", "expires_at", "id", "state"], name="package_page_expiry"),
        ),
    ]
