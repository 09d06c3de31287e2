import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from console.core import clock
from console.core.errors import IdempotencyKeyMismatch, PermissionRefused
from console.core.models import AuditEntry
from console.ledger.checks import ledger_drift
from console.ledger.models import LedgerEntry, LedgerKind
from console.packages.models import Package, PackageSource, PackageSpec
from console.packages.services import giveaway_grant, package_auto_renew_set
from console.purchases.services import PurchaseRefused, package_purchase
from tests.factories import (
    FundedAccountFactory,
    MemberFactory,
    PackageFactory,
    StaffFactory,
    VoucherFactory,
    spec,
)

pytestmark = pytest.mark.django_db


def buyer(funds=None, **member_kwargs):
    account = FundedAccountFactory(funds=funds if funds is not None else {"cash": "100.00"})
    return MemberFactory(account=account, **member_kwargs)


def buy(member, spec_obj, **kwargs):
    kwargs.setdefault("shown_price", spec_obj.list_price)
    kwargs.setdefault("idempotency_key", str(uuid.uuid4()))
    return package_purchase(account=member.account, member=member, spec_id=spec_obj.pk, **kwargs)


def test_a_purchase_creates_a_package_effective_now_for_a_year_paid_by_the_account():
    member = buyer()

    package = buy(member, spec("traffic", "1 TB")).package

    assert package.code.startswith("lvpkg-")
    assert (package.owner, package.payer, package.source) == (member.account, member.account, PackageSource.PURCHASED)
    assert package.expires_at - package.purchased_at == timedelta(days=365)
    assert package.total == Decimal("1000")


def test_a_purchase_is_paid_from_free_credits_then_commission_then_cash():
    member = buyer({"free": "10.00", "commission": "20.00", "cash": "100.00"})

    package = buy(member, spec("traffic", "1 TB")).package

    assert (package.paid_free, package.paid_commission, package.paid_cash) == (Decimal("10.00"), Decimal("20.00"), Decimal("7.01"))
    member.account.refresh_from_db()
    assert (member.account.free_balance, member.account.commission_balance, member.account.cash_balance) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("92.99"),
    )


def test_a_purchase_debits_each_bucket_through_the_ledger():
    member = buyer({"free": "1.00", "cash": "10.00"})

    package = buy(member, spec("traffic", "100 GB")).package

    entries = LedgerEntry.objects.filter(package=package, kind=LedgerKind.PURCHASE)
    assert sorted((e.bucket, e.amount) for e in entries) == [("cash", Decimal("-2.88")), ("free", Decimal("-1.00"))]
    assert ledger_drift() == []


def test_traffic_packages_of_10_tb_or_more_get_the_10_percent_discount():
    member = buyer({"cash": "400.00"})

    package = buy(member, spec("traffic", "10 TB")).package

    assert (package.discount, package.paid_cash) == (Decimal("35.08"), Decimal("315.67"))


def test_smaller_traffic_packages_get_no_discount():
    package = buy(buyer({"cash": "200"}), spec("traffic", "5 TB")).package

    assert package.discount == 0


def test_a_voucher_takes_its_amount_off_and_is_marked_used():
    member = buyer()
    voucher = VoucherFactory(account=member.account, amount=Decimal("2.00"))

    package = buy(member, spec("traffic", "100 GB"), voucher_code=voucher.code).package

    voucher.refresh_from_db()
    assert (package.voucher, package.paid_cash) == (Decimal("2.00"), Decimal("1.88"))
    assert (voucher.used_at, voucher.package) == (package.purchased_at, package)


def test_a_voucher_larger_than_the_price_covers_the_price_only():
    member = buyer()
    voucher = VoucherFactory(account=member.account, amount=Decimal("50.00"))

    package = buy(member, spec("traffic", "100 GB"), voucher_code=voucher.code).package

    assert (package.voucher, package.paid_total) == (Decimal("3.88"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("voucher_kwargs", "message"),
    [
        ({"account__name": "Someone else"}, "No voucher with this code belongs to your account."),
        ({"used": True}, "This voucher has already been used."),
        ({"valid_until": "past"}, "This voucher has expired."),
    ],
)
def test_an_unusable_voucher_is_refused_beside_the_voucher_field_and_nothing_changes(voucher_kwargs, message):
    member = buyer()
    if voucher_kwargs.get("used"):
        voucher = VoucherFactory(account=member.account, used_at=clock.now(), package=PackageFactory(owner=member.account))
    elif voucher_kwargs.get("valid_until"):
        voucher = VoucherFactory(account=member.account, valid_until=clock.now() - timedelta(minutes=1))
    else:
        voucher = VoucherFactory(**voucher_kwargs)
    packages_before = Package.objects.count()

    with pytest.raises(PurchaseRefused) as refused:
        buy(member, spec("traffic", "100 GB"), voucher_code=voucher.code)

    assert (refused.value.field, refused.value.message) == ("voucher", message)
    assert Package.objects.count() == packages_before
    member.account.refresh_from_db()
    assert member.account.cash_balance == Decimal("100.00")


def test_not_enough_balance_is_refused_and_nothing_changes():
    member = buyer({"cash": "3.00"})

    with pytest.raises(PurchaseRefused) as refused:
        buy(member, spec("traffic", "100 GB"))

    assert refused.value.field == "balance"
    assert "USD 0.88 of it is not covered" in refused.value.message
    assert not Package.objects.filter(owner=member.account).exists()


def test_a_price_that_changed_since_the_dialog_opened_is_refused():
    member = buyer()
    hundred_gb = spec("traffic", "100 GB")
    shown = hundred_gb.list_price
    PackageSpec.objects.filter(pk=hundred_gb.pk).update(list_price=Decimal("4.20"))

    with pytest.raises(PurchaseRefused) as refused:
        buy(member, hundred_gb, shown_price=shown)

    assert refused.value.field == "spec"
    assert "changed from USD 3.88 to USD 4.20" in refused.value.message
    assert not Package.objects.filter(owner=member.account).exists()


def test_a_spec_no_longer_on_sale_is_refused():
    member = buyer()
    hundred_gb = spec("traffic", "100 GB")
    PackageSpec.objects.filter(pk=hundred_gb.pk).update(on_sale=False)

    with pytest.raises(PurchaseRefused):
        buy(member, hundred_gb)


def test_replaying_a_confirmation_returns_the_first_package_and_charges_once():
    member = buyer()
    first = buy(member, spec("traffic", "100 GB"), idempotency_key="same-key")

    again = buy(member, spec("traffic", "100 GB"), idempotency_key="same-key")

    member.account.refresh_from_db()
    assert (again.package, again.replayed) == (first.package, True)
    assert member.account.cash_balance == Decimal("96.12")


def test_two_accounts_buying_with_one_key_each_get_their_own_package():
    first, second = buyer(), buyer()

    mine = buy(first, spec("traffic", "100 GB"), idempotency_key="shared")
    theirs = buy(second, spec("traffic", "100 GB"), idempotency_key="shared")

    assert not theirs.replayed
    assert (mine.package.owner, theirs.package.owner) == (first.account, second.account)


def test_a_replay_of_the_same_key_for_another_spec_is_refused_as_a_mismatch():
    member = buyer()
    buy(member, spec("traffic", "100 GB"), idempotency_key="k")

    with pytest.raises(IdempotencyKeyMismatch) as refused:
        buy(member, spec("traffic", "500 GB"), idempotency_key="k")

    assert (refused.value.code, refused.value.http_status) == ("idempotency_key_mismatch", 409)
    assert Package.objects.count() == 1


def test_a_replay_of_the_same_key_at_another_price_is_refused_as_a_mismatch():
    member = buyer()
    hundred_gb = spec("traffic", "100 GB")
    buy(member, hundred_gb, idempotency_key="k")

    with pytest.raises(IdempotencyKeyMismatch):
        buy(member, hundred_gb, idempotency_key="k", shown_price=hundred_gb.list_price + 1)


def test_a_purchase_cannot_be_wrapped_in_a_callers_transaction():
    member = buyer()

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        buy(member, spec("traffic", "100 GB"))


def test_a_sub_user_without_the_refund_grant_may_not_buy():
    member = buyer(sub_user=True)

    with pytest.raises(PermissionRefused) as refused:
        buy(member, spec("traffic", "100 GB"))

    assert refused.value.code == "no_permission"


def test_a_sub_user_with_the_refund_grant_may_buy():
    member = buyer(sub_user_with_refund=True)

    assert buy(member, spec("traffic", "100 GB")).package.owner == member.account


def test_a_purchase_is_audited_with_how_it_was_paid():
    member = buyer()

    package = buy(member, spec("traffic", "100 GB")).package

    entry = AuditEntry.objects.get(action="package.purchased", object_id=str(package.pk))
    assert (entry.actor, entry.after["paid_cash"]) == (member.user, "3.88")


def test_staff_grant_a_giveaway_that_paid_nothing_and_is_audited():
    account = FundedAccountFactory()
    staff = StaffFactory()

    package = giveaway_grant(account=account, spec=spec("traffic", "500 GB"), actor=staff, note="Launch event")

    assert (package.source, package.list_price, package.paid_total) == (PackageSource.GIVEAWAY, 0, 0)
    assert AuditEntry.objects.get(action="package.giveaway_granted").note == "Launch event"


def test_turning_auto_renew_on_turns_it_off_on_the_accounts_other_package_of_the_type():
    member = buyer()
    old = PackageFactory(owner=member.account, auto_renew=True)
    new = PackageFactory(owner=member.account)

    package_auto_renew_set(package_id=new.pk, member=member, enabled=True)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.auto_renew, new.auto_renew) == (False, True)


def test_auto_renew_on_one_type_leaves_the_other_types_alone():
    member = buyer()
    transcoding = PackageFactory(owner=member.account, kind="transcode_standard", auto_renew=True)
    traffic = PackageFactory(owner=member.account)

    package_auto_renew_set(package_id=traffic.pk, member=member, enabled=True)

    transcoding.refresh_from_db()
    assert transcoding.auto_renew
