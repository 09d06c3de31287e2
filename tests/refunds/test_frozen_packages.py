"""The refund policy does not look at the billing mode: a traffic package frozen under daily peak
bandwidth, unused and within its five days, is refundable like any other (refunds/policy.py is
unchanged by billing modes)."""

import uuid
from datetime import timedelta

import pytest

from console.accounts.models import BillingMode
from console.core import clock
from console.packages.status import PackageStatus, package_status
from refunds.policy import Reason
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import DeductionFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return MemberFactory(account__billing_mode=BillingMode.DAILY_BANDWIDTH)


def refund(package, member):
    return package_refund(RefundRequest(
        package_id=package.pk, owner=package.owner, actor=member.user, idempotency_key=str(uuid.uuid4()), member=member,
    ))


def test_a_frozen_unused_package_within_five_days_is_refunded(owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))
    assert package_status(package, billing_mode=owner.account.billing_mode_at(clock.now()), now=clock.now()) == PackageStatus.FROZEN

    refund(package, owner)

    package.refresh_from_db()
    assert package.is_refunded


def test_a_frozen_package_used_before_it_froze_is_still_refused_as_used(owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))
    DeductionFactory(package=package)

    with pytest.raises(RefundRefused) as refused:
        refund(package, owner)

    assert refused.value.verdict.reasons == (Reason.USED,)


def test_a_frozen_package_past_its_five_days_is_still_refused_as_late(owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    with pytest.raises(RefundRefused) as refused:
        refund(package, owner)

    assert refused.value.verdict.reasons == (Reason.PAST_DEADLINE,)
