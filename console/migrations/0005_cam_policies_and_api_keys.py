"""CAM-style policies attached to sub-users, and API keys (SecretId, encrypted SecretKey)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0004_discounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('secret_id', models.CharField(max_length=64, unique=True, verbose_name='SecretId')),
                ('secret_key_encrypted', models.TextField()),
                ('enabled', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField()),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='console.member')),
            ],
            options={
                'verbose_name': 'API key',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Policy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=128)),
                ('description', models.CharField(blank=True, max_length=300)),
                ('document', models.JSONField()),
                ('created_at', models.DateTimeField()),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='policies', to='console.account')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='PolicyAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('preset', models.CharField(blank=True, choices=[('QcloudLIVEFullAccess', 'QcloudLIVEFullAccess: full access to Cloud Streaming Services'), ('QcloudLIVEReadOnlyAccess', 'QcloudLIVEReadOnlyAccess: read-only access to Cloud Streaming Services'), ('QCloudFinanceFullAccess', 'QCloudFinanceFullAccess: full access to finance (buy, refund, balances)')], max_length=64)),
                ('attached_at', models.DateTimeField()),
                ('attached_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='policy_attachments', to='console.member')),
                ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='console.policy')),
            ],
            options={
                'ordering': ['attached_at', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='policy',
            constraint=models.UniqueConstraint(fields=('account', 'name'), name='policy_name_unique_per_account'),
        ),
        migrations.AddConstraint(
            model_name='policyattachment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('preset', ''), ('policy__isnull', False)), models.Q(models.Q(('preset', ''), _negated=True), ('policy__isnull', True)), _connector='OR'), name='attachment_preset_or_policy'),
        ),
        migrations.AddConstraint(
            model_name='policyattachment',
            constraint=models.UniqueConstraint(condition=models.Q(('preset', ''), _negated=True), fields=('member', 'preset'), name='attachment_preset_once_per_member'),
        ),
        migrations.AddConstraint(
            model_name='policyattachment',
            constraint=models.UniqueConstraint(condition=models.Q(('policy__isnull', False)), fields=('member', 'policy'), name='attachment_policy_once_per_member'),
        ),
    ]
