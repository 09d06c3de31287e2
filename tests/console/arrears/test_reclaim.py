"""Issue 22's last step: after 60 days suspended for overdue payment the account is repossessed and
its remaining packages are reclaimed, in the same transaction: their own status ("Reclaimed" /
"已回收"), shown and explained, never refunded, deducted or renewed again, and a top-up gives
nothing back."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from console.accounts.models import AccountStatus as S
from console.billing.arrears import GRACE, REPOSSESS_AFTER, standing_sweep
from console.billing.models import TopUpChannel
from console.billing.run import billing_run
from console.billing.topup import account_top_up
from console.core import clock
from console.core.models import AuditEntry
from console.packages.models import Deduction, Package
from console.packages.services import packages_reclaim_locked
from console.packages.locks import account_lock
from tests.console.arrears.moments import DAY, NOW
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

REPOSSESSED_AT = NOW + GRACE + REPOSSESS_AFTER


@pytest.fixture
def account(now):
    """Billed into arrears at NOW (no package to pay from), with an owner."""
    account = FundedAccountFactory(funds={"cash": "0.10"})
    MemberFactory(account=account)
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("100"))
    billing_run(day=DAY)
    account.refresh_from_db()
    assert account.status == S.IN_ARREARS
    return account


def repossess(now):
    for offset in (GRACE, GRACE + REPOSSESS_AFTER):
        now.at = NOW + offset
        standing_sweep()


def reclaimed_at(package):
    return Package.objects.values_list("reclaimed_at", flat=True).get(pk=package.pk)


def test_repossession_reclaims_only_the_packages_that_remain(now, account):
    # given packages left (unused, part used) and packages that are not (expired, used up, refunded)
    unused = PackageFactory(owner=account)
    part_used = PackageFactory(owner=account, total=Decimal("100"), used=Decimal("40"))
    expired = PackageFactory(owner=account, expires_at=NOW + timedelta(days=30))
    used_up = PackageFactory(owner=account, total=Decimal("100"), used=Decimal("100"))
    refunded = PackageFactory(owner=account, refunded_at=NOW)

    # when the account stays suspended for 60 days
    repossess(now)

    # then the remaining ones are reclaimed as of the repossession, and only they
    account.refresh_from_db()
    assert account.status == S.REPOSSESSED
    assert [reclaimed_at(p) for p in (unused, part_used)] == [REPOSSESSED_AT, REPOSSESSED_AT]
    assert [reclaimed_at(p) for p in (expired, used_up, refunded)] == [None, None, None]
    assert Package.objects.get(pk=unused.pk).state == "reclaimed"


def test_the_reclaim_is_audited_once_with_the_packages_it_took(now, account):
    kept = PackageFactory(owner=account, auto_renew=True)
    PackageFactory(owner=account, refunded_at=NOW)

    repossess(now)

    entry = AuditEntry.objects.get(action="package.reclaimed")
    assert entry.account_id == account.pk
    assert entry.after["reclaimed"] == [kept.code]
    assert entry.before == {"auto_renew": [kept.code]}
    assert Package.objects.get(pk=kept.pk).auto_renew is False


def test_the_sweep_and_the_reclaim_are_idempotent(now, account):
    package = PackageFactory(owner=account)
    repossess(now)

    again = standing_sweep()
    with transaction.atomic():
        codes = packages_reclaim_locked(account=account_lock(account.pk), at=clock.now())

    assert (again, codes) == (0, [])
    assert AuditEntry.objects.filter(action="package.reclaimed").count() == 1
    assert reclaimed_at(package) == REPOSSESSED_AT


def test_a_top_up_after_repossession_restores_the_account_but_not_its_packages(now, account):
    package = PackageFactory(owner=account)
    repossess(now)
    account.refresh_from_db()

    account_top_up(
        account_id=account.pk, amount=account.owed_balance + 10, idempotency_key="after-repossession",
        channel=TopUpChannel.COMMAND,
    )

    account.refresh_from_db()
    assert account.status == S.ACTIVE
    assert reclaimed_at(package) == REPOSSESSED_AT


def test_a_suspension_that_is_lifted_before_60_days_reclaims_nothing(now, account):
    package = PackageFactory(owner=account)
    now.at = NOW + GRACE + REPOSSESS_AFTER - timedelta(minutes=1)
    standing_sweep()
    standing_sweep()

    account.refresh_from_db()
    assert account.status == S.SUSPENDED_OVERDUE
    assert reclaimed_at(package) is None


def test_billing_never_deducts_from_a_reclaimed_package(now):
    account = FundedAccountFactory(funds={"cash": "0.10"})
    package = PackageFactory(
        owner=account, purchased_at=NOW - timedelta(days=2), reclaimed_at=NOW - timedelta(days=1), auto_renew=True,
    )
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("10"))

    billing_run(day=DAY)

    package.refresh_from_db()
    account.refresh_from_db()
    assert package.used == 0 and not Deduction.objects.filter(package=package).exists()
    assert account.owed_balance > 0  # billed as pay-as-you-go instead
    assert Package.objects.filter(owner=account).count() == 1  # and not renewed


# --- shown and explained ---------------------------------------------------------------------


@pytest.fixture
def owner_client(client, now):
    member = MemberFactory()
    client.force_login(member.user)
    client.member = member
    return client


def reclaimed_package(member):
    return PackageFactory(owner=member.account, code="lvpkg-reclaimed1", reclaimed_at=NOW - timedelta(days=3))


def text(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize(("language", "label"), [("en", "Reclaimed"), ("zh-hans", "已回收")])
def test_the_package_list_shows_the_reclaimed_status_in_each_language(owner_client, language, label):
    reclaimed_package(owner_client.member)
    PackageFactory(owner=owner_client.member.account, code="lvpkg-kept0001")
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = text(owner_client.get(reverse("packages"), {"status": "reclaimed"}))

    assert f'data-testid="status">{label}</span>' in html
    assert "lvpkg-reclaimed1" in html and "lvpkg-kept0001" not in html
    assert f'<option value="reclaimed"' in html


@pytest.mark.parametrize(
    ("language", "label", "explanation"),
    [
        ("en", "Reclaimed", "because the account stayed suspended for overdue payment for 60 days"),
        ("zh-hans", "已回收", "因账户欠费停服满 60 天"),
    ],
)
def test_the_package_page_shows_and_explains_the_reclaim_in_each_language(owner_client, language, label, explanation):
    package = reclaimed_package(owner_client.member)
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = text(owner_client.get(reverse("package_detail", args=[package.code])))

    assert f'data-testid="package-status">{label}</span>' in html
    assert explanation in html
    assert 'data-testid="auto-renew"' not in html
