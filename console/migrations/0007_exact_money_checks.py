# Check constraints that add money columns round the sum to cents: SQLite adds the stored
# binary floats (0.64 + 0.05 is 0.6900000000000001 there) and refused payments that add up.

import django.db.models.expressions
import django.db.models.functions.math
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0006_can_refund_to_policies'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='dailybill',
            name='daily_bill_adds_up',
        ),
        migrations.RemoveConstraint(
            model_name='package',
            name='package_payment_adds_up',
        ),
        migrations.AddConstraint(
            model_name='dailybill',
            constraint=models.CheckConstraint(condition=models.Q(('paid_cash__gte', 0), ('owed__gte', 0), ('pay_as_you_go', django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(models.F('paid_cash'), '+', models.F('owed')), 2))), name='daily_bill_adds_up'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=models.CheckConstraint(condition=models.Q(('list_price', django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('discount'), '+', models.F('voucher')), '+', models.F('paid_cash')), '+', models.F('paid_commission')), '+', models.F('paid_free')), 2))), name='package_payment_adds_up'),
        ),
    ]
