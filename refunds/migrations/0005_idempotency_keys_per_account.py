# Idempotency keys belong to an account: unique per (account, key), not across all accounts.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0014_daily_bill_account_index_in_constraint'),
        ('refunds', '0004_field_names_translated'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='refund',
            name='idempotency_key',
            field=models.CharField(max_length=64, verbose_name='idempotency key'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.UniqueConstraint(fields=('owner', 'idempotency_key'), name='refund_key_once_per_account'),
        ),
    ]
