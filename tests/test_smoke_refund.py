import uuid
from decimal import Decimal

import pytest

from refunds.services import package_refund
from tests.factories import MemberFactory, PackageFactory


@pytest.mark.django_db
def test_refund_credits_the_payer_cash_balance():
    member = MemberFactory()
    package = PackageFactory(owner=member.account)
    package_refund(package_id=package.pk, owner=member.account, actor=member.user,
                   idempotency_key=str(uuid.uuid4()), member=member)
    member.account.refresh_from_db()
    assert member.account.cash_balance == Decimal("3.88")
