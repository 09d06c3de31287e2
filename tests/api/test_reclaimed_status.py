"""A package the repossession for overdue payment reclaimed answers Status 3 in DescribeLivePackageInfo,
as the console lists it Reclaimed (console.packages.status, one rule for both)."""

import pytest

from console.core import clock
from tests.api.signed import signed_post
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return ApiKeyFactory(member=MemberFactory())


def statuses(client, key) -> dict[str, int]:
    _, answer = signed_post(client, key, "DescribeLivePackageInfo", {"PackageType": 0})
    return {info["Id"]: info["Status"] for info in answer["Response"]["LivePackageInfoList"]}


def test_a_reclaimed_package_answers_status_3_beside_an_unused_one_answering_0(client, key):
    PackageFactory(owner=key.member.account, code="lvpkg-reclaim01", reclaimed_at=clock.now())
    PackageFactory(owner=key.member.account, code="lvpkg-reclaim02")

    assert statuses(client, key) == {"lvpkg-reclaim01": 3, "lvpkg-reclaim02": 0}
