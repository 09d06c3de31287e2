# Idempotency keys belong to an account: unique per (account, key), not across all accounts.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0017_renewals_linked'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='purchase',
            name='idempotency_key',
            field=models.CharField(max_length=64, verbose_name='idempotency key'),
        ),
        migrations.AddConstraint(
            model_name='purchase',
            constraint=models.UniqueConstraint(fields=('account', 'idempotency_key'), name='purchase_key_once_per_account'),
        ),
    ]
