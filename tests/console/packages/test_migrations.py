"""Packages bought by auto-renewal before `renewed_from` existed are linked from their purchase keys."""

import pytest
from django.utils import timezone

BEFORE = ("console", "0016_ledger_memos_as_facts")
AFTER = ("console", "0017_renewals_linked")


def package(apps, code: str, *, uin: int = 100099990201):
    account = apps.get_model("console", "Account").objects.get_or_create(uin=uin, defaults={"name": f"Owner {uin}"})[0]
    spec = apps.get_model("console", "PackageSpec").objects.get(kind="traffic", name="100 GB")
    now = timezone.now()
    return apps.get_model("console", "Package").objects.create(
        code=code, owner=account, payer=account, spec=spec, kind="traffic", total=spec.size, purchased_at=now,
        expires_at=now + timezone.timedelta(days=365), list_price=spec.list_price, paid_cash=spec.list_price,
    )


def bought_with_key(apps, code: str, key: str, **kwargs):
    bought = package(apps, code, **kwargs)
    apps.get_model("console", "Purchase").objects.create(
        idempotency_key=key, account_id=bought.owner_id, package=bought, auto_renewal=True, created_at=bought.purchased_at,
    )
    return bought


def renewed_from_after(migrator, bought_pk: int):
    Package = migrator.migrate(AFTER).get_model("console", "Package")
    return Package.objects.values_list("renewed_from_id", flat=True).get(pk=bought_pk)


@pytest.mark.django_db(transaction=True)
def test_a_package_bought_by_a_renewal_links_to_the_package_its_key_names(migrator):
    apps = migrator.migrate(BEFORE)
    old = package(apps, "lvpkg-mig00101")
    renewal = bought_with_key(apps, "lvpkg-mig00102", f"renew:{old.pk}:2026-03-09:1")

    assert renewed_from_after(migrator, renewal.pk) == old.pk


@pytest.mark.django_db(transaction=True)
def test_a_key_naming_another_owners_package_links_nothing(migrator):
    apps = migrator.migrate(BEFORE)
    theirs = package(apps, "lvpkg-mig00103", uin=100099990202)
    renewal = bought_with_key(apps, "lvpkg-mig00104", f"renew:{theirs.pk}:2026-03-09:1")

    assert renewed_from_after(migrator, renewal.pk) is None


@pytest.mark.django_db(transaction=True)
def test_a_purchase_a_person_made_links_nothing(migrator):
    apps = migrator.migrate(BEFORE)
    package(apps, "lvpkg-mig00105")
    bought = bought_with_key(apps, "lvpkg-mig00106", "console:0b7f2a1e")

    assert renewed_from_after(migrator, bought.pk) is None
