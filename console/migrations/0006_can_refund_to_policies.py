"""The single refund flag becomes a policy: every sub-user who had `can_refund` gets the preset
QCloudFinanceFullAccess attached (finance:* covers refunding, buying and auto-renewal, which the
flag granted together), then the flag goes. Backwards, the flag is set again for sub-users whose
policies allowed finance:RefundInstance through that preset."""

from django.db import migrations
from django.utils import timezone

FINANCE_FULL_ACCESS = "QCloudFinanceFullAccess"


def flag_to_policy(apps, schema_editor):
    Member = apps.get_model("console", "Member")
    PolicyAttachment = apps.get_model("console", "PolicyAttachment")
    now = timezone.now()
    granted = Member.objects.filter(can_refund=True, role="sub_user").exclude(
        policy_attachments__preset=FINANCE_FULL_ACCESS
    )
    PolicyAttachment.objects.bulk_create(
        [PolicyAttachment(member=member, preset=FINANCE_FULL_ACCESS, attached_at=now) for member in granted]
    )


def policy_to_flag(apps, schema_editor):
    Member = apps.get_model("console", "Member")
    Member.objects.filter(role="sub_user", policy_attachments__preset=FINANCE_FULL_ACCESS).update(can_refund=True)


class Migration(migrations.Migration):

    dependencies = [
        ("console", "0005_cam_policies_and_api_keys"),
    ]

    operations = [
        migrations.RunPython(flag_to_policy, policy_to_flag),
        migrations.RemoveField(model_name="member", name="can_refund"),
    ]
