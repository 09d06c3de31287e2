"""DescribeLivePackageInfo's RenewalResult comes from the packages' renewal links (renewed_from)."""

import pytest

from console.purchases.models import Purchase
from tests.api.signed import signed_post
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return ApiKeyFactory(member=MemberFactory())


def renewal_results(client, key) -> dict[str, int]:
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})
    return {info["Id"]: info["RenewalResult"] for info in answer["Response"]["LivePackageInfoList"]}


def test_a_package_the_daily_billing_renewed_answers_renewal_result_1(client, key):
    old = PackageFactory(owner=key.member.account, code="lvpkg-renew001")
    PackageFactory(owner=key.member.account, code="lvpkg-renew002", renewed_from=old, auto_renew=True)

    assert renewal_results(client, key) == {"lvpkg-renew001": 1, "lvpkg-renew002": 0}


def test_a_purchase_key_shaped_like_a_renewal_does_not_make_a_package_renewed(client, key):
    package = PackageFactory(owner=key.member.account, code="lvpkg-renew003")
    bought = PackageFactory(owner=key.member.account, code="lvpkg-renew004")
    Purchase.objects.create(
        idempotency_key=f"renew:{package.pk}:2026-03-09:1", account=key.member.account, package=bought,
        created_at=bought.purchased_at,
    )

    assert renewal_results(client, key) == {"lvpkg-renew003": 0, "lvpkg-renew004": 0}
