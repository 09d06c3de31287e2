from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F

from console.accounts.models import Account, Member
from console.accounts.permissions import MemberAction, member_may
from console.core import clock
from console.ledger.models import LedgerEntry, MemoKind
from console.notifications.models import NotificationDelivery, ReminderKind
from console.packages.models import Package
from refunds import selectors
from refunds.policy import Reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)


def reasons_seen():
    seen = set()
    eligible = set()
    for member in Member.objects.select_related("account"):
        facts = selectors.account_facts(member.account, now=clock.now())
        for package in Package.objects.filter(owner=member.account).select_related("payer"):
            verdict = selectors.refund_verdict(package, account_facts=facts, member=member)
            seen.update(verdict.reasons)
            if verdict.eligible:
                eligible.add(package.kind)
    return seen, eligible


def test_seeding_twice_creates_nothing_the_second_time(seeded):
    counts = (Account.objects.count(), Package.objects.count(), LedgerEntry.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Account.objects.count(), Package.objects.count(), LedgerEntry.objects.count()) == counts


def test_the_demo_data_walks_through_every_reason_the_policy_can_give(seeded):
    seen, _ = reasons_seen()
    # Billing in progress and the used-up allowance are shown live from the presenter panel. The
    # demo has no repossessed account yet (it needs a persona of its own), so no reclaimed package:
    # tests/console/arrears/test_reclaim.py proves that reason instead.
    assert seen >= set(Reason) - {Reason.BILLING_IN_PROGRESS, Reason.ALLOWANCE_USED_UP, Reason.PACKAGE_RECLAIMED}


def test_the_demo_account_has_a_refundable_package_of_each_self_service_type(seeded):
    _, eligible = reasons_seen()
    assert eligible >= {"traffic", "transcode_standard", "transcode_tsc"}


def test_the_demo_has_a_package_whose_deadline_is_today_and_one_bought_today(seeded):
    zone = clock.billing_zone()
    today = clock.today()
    days = {(today - p.purchased_at.astimezone(zone).date()).days for p in Package.objects.filter(owner__uin=100023456789)}
    assert {0, 5} <= days


def test_demo_balances_equal_the_sum_of_their_ledger_entries(seeded):
    for account in Account.objects.all():
        cash = sum(e.amount for e in LedgerEntry.objects.filter(account=account, bucket="cash"))
        assert account.cash_balance == cash


def test_the_demo_owner_logs_in_and_sees_the_accounts_packages(seeded, client):
    # Through the login form: django-axes, first of the authentication backends, needs the request.
    response = client.post("/login/", {"username": "demo", "password": "demo"})
    assert response.status_code == 302
    response = client.get("/css/packages/")
    assert response.status_code == 200
    assert "lvpkg-dm000001" in response.content.decode()
    assert "lvpkg-dm000021" not in response.content.decode()  # another account's


def test_a_package_paid_by_another_account_is_in_the_demo(seeded):
    assert Package.objects.exclude(payer=F("owner")).exists()


@pytest.mark.django_db(transaction=True)  # PostgreSQL will not TRUNCATE rows this transaction wrote
def test_the_demo_reset_starts_over_with_the_same_data(seeded):
    call_command("seed_demo", reset=True, verbosity=0)
    assert Package.objects.filter(code="lvpkg-dm000001").count() == 1
    assert member_may(Member.objects.get(user__username="viewer"), MemberAction.REFUND) is False


def test_ticket_only_packages_are_in_the_demo(seeded):
    kinds = set(Package.objects.values_list("kind", flat=True))
    assert {"co_anchoring", "licence"} <= kinds


# --- the seed's ledger is a believable history ------------------------------------


def test_each_seeded_purchase_is_in_the_ledger_at_the_time_of_the_purchase(seeded):
    for package in Package.objects.exclude(source="giveaway"):
        times = set(LedgerEntry.objects.filter(package=package, kind="purchase").values_list("created_at", flat=True))
        assert times == {package.purchased_at}, package.code


def test_opening_balances_are_dated_before_the_first_purchase(seeded):
    first_purchase = Package.objects.order_by("purchased_at").first().purchased_at

    opening = LedgerEntry.objects.filter(memo_kind=MemoKind.OPENING_BALANCE)
    assert opening.exists() and all(entry.created_at < first_purchase for entry in opening)


def _assert_purchases_spend_free_credits_then_commission_then_cash() -> None:
    for package in Package.objects.exclude(source="giveaway").order_by("purchased_at"):
        # Commission is spent only once free credits ran out, cash only once commission did.
        if package.paid_commission:
            assert _balance_before(package, "free") == package.paid_free, package.code
        if package.paid_cash:
            assert _balance_before(package, "commission") == package.paid_commission, package.code


def test_seeded_purchases_spend_free_credits_then_commission_then_cash(seeded):
    _assert_purchases_spend_free_credits_then_commission_then_cash()


# 00:02 in Beijing: "bought today at 00:05" would be three minutes after the seed.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 28, 0, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_seed_made_just_after_midnight_buys_and_books_nothing_after_its_own_time(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: JUST_AFTER_MIDNIGHT)

    call_command("seed_demo", verbosity=0)

    assert not Package.objects.filter(purchased_at__gt=JUST_AFTER_MIDNIGHT).exists()
    assert not LedgerEntry.objects.filter(created_at__gt=JUST_AFTER_MIDNIGHT).exists()


def test_a_seed_made_just_after_midnight_still_spends_free_credits_then_commission_then_cash(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: JUST_AFTER_MIDNIGHT)

    call_command("seed_demo", verbosity=0)

    _assert_purchases_spend_free_credits_then_commission_then_cash()


def test_the_seed_pays_one_package_from_all_three_balances(seeded):
    assert Package.objects.filter(paid_free__gt=0, paid_commission__gt=0, paid_cash__gt=0).exists()


def test_the_running_balance_follows_the_order_of_time(seeded):
    for account in Account.objects.all():
        for bucket in ("cash", "commission", "free"):
            running = Decimal("0")
            for entry in LedgerEntry.objects.filter(account=account, bucket=bucket).order_by("created_at", "id"):
                running += entry.amount
                assert entry.balance_after == running, (account.name, bucket, entry.memo)


def test_demo_logins_are_hashed_cheaply_so_a_reset_is_quick_and_still_log_in(settings):
    # The console's own hasher (the tests swap in MD5 for speed everywhere else).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    call_command("seed_demo", verbosity=0)

    user = get_user_model().objects.get(username="demo")
    assert user.password.startswith("pbkdf2_sha256$1000$")
    assert user.check_password("demo")


def _balance_before(package, bucket: str) -> Decimal:
    """The payer's `bucket` balance just before `package` was paid for."""
    earlier = (
        LedgerEntry.objects.filter(account=package.payer, bucket=bucket, created_at__lt=package.purchased_at)
        .order_by("-created_at", "-id")
        .first()
    )
    return earlier.balance_after if earlier else Decimal("0")


def test_the_demo_owner_has_an_expiry_reminder_in_the_message_center(seeded):
    demo = Member.objects.get(user__username="demo")

    assert NotificationDelivery.objects.filter(user=demo.user, notification__kind=ReminderKind.EXPIRY).exists()
