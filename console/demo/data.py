"""The demo data set: accounts, people and packages that walk through every branch of the policy.

Times are relative to the clock, so a seed made today always has "bought today" and "deadline
today" packages. Balances are built through the ledger (top-ups, then each purchase), so
`check_ledger` holds on demo data as on real data.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from console.accounts.models import Account, AccountStatus, BillingMode, Member, MemberRole
from console.core import clock
from console.ledger.models import Bucket, LedgerKind
from console.ledger.services import ledger_post
from console.packages.models import Deduction, Package, PackageSource, PackageSpec
from console.purchases.catalogue import reference_data_ensure

DEMO_UIN = 100023456789
# The package whose purchase day tells whether the seed was made today.
TODAY_MARKER = "lvpkg-dm000009"



@dataclass(frozen=True)
class Payment:
    discount: str = "0"
    voucher: str = "0"
    commission: str = "0"
    free: str = "0"


def seeded_today() -> bool:
    bought = Package.objects.filter(code=TODAY_MARKER).values_list("purchased_at", flat=True).first()
    return bought is not None and bought.astimezone(clock.billing_zone()).date() == clock.today()


def demo_reset() -> None:
    """Empty every table (the demo database holds nothing else) and seed again."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    demo_seed()


@transaction.atomic
def demo_seed() -> None:
    reference_data_ensure()
    now = clock.now()
    zone = clock.billing_zone()
    today = now.astimezone(zone).date()

    def local(days_ago: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hh, mm, ss), tzinfo=zone)

    def hours_ago(hours: float) -> datetime:
        return now - timedelta(hours=hours)

    aurora = _account(DEMO_UIN, "Aurora Live Media Co., Ltd.", cash="4800.00", commission="600.00", free="150.00")
    group = _account(100023450001, "Aurora Group Holdings (payer)", cash="5000.00")
    nebula = _account(100031415926, "Nebula Esports", cash="420.00", status=AccountStatus.SUSPENDED_VIOLATION)
    harbor = _account(100027182818, "Harbor Education Online", cash="90.00", status=AccountStatus.SUSPENDED_OVERDUE)
    pinewood = _account(
        100016180339, "Pinewood Radio & Podcasts", cash="600.00", billing_mode=BillingMode.DAILY_BANDWIDTH
    )

    _login("demo", aurora, MemberRole.OWNER, email="ops@aurora-live.example")
    _login("viewer", aurora, MemberRole.SUB_USER, email="finance.viewer@aurora-live.example")
    _login("suspended", nebula, MemberRole.OWNER, email="admin@nebula-esports.example")
    _login("overdue", harbor, MemberRole.OWNER, email="it@harbor-edu.example")
    _login("pinewood", pinewood, MemberRole.OWNER, email="tech@pinewood-radio.example")
    admin = _user("admin", email="css-support@tencent-demo.example")
    admin.is_staff = admin.is_superuser = True
    admin.save()

    buy = _Buyer(now)
    # Aurora Live Media: one package for every branch of the policy.
    buy("lvpkg-dm000001", aurora, "traffic", "1 TB", hours_ago(2))
    buy("lvpkg-dm000002", aurora, "traffic", "10 TB", local(1, 14, 20),
        Payment(discount="35.08", voucher="10.00", commission="100.00", free="50.00"))
    buy("lvpkg-dm000003", aurora, "transcode_standard", "1,000 hours", local(2, 10, 5), Payment(free="20.00"))
    buy("lvpkg-dm000004", aurora, "transcode_tsc", "100 hours", local(3, 16, 45), payer=group)
    used = buy("lvpkg-dm000005", aurora, "traffic", "500 GB", local(3, 9, 12))
    _deduct(used, [(1, "LVB Chinese mainland", "38.412", "1"), (2, "LEB Chinese mainland", "12.150", "2")], now)
    gone = buy("lvpkg-dm000006", aurora, "traffic", "100 GB", local(24, 11, 0))
    _deduct(gone, [(22, "LVB Chinese mainland", "61.000", "1"), (21, "LVB outside mainland (AP1)", "22.000", "1.7692")], now)
    buy("lvpkg-dm000007", aurora, "traffic", "5 TB", local(12, 20, 30), Payment(discount="17.91"))
    buy("lvpkg-dm000008", aurora, "traffic", "1 TB", local(5, 9, 30))
    buy(TODAY_MARKER, aurora, "transcode_standard", "100 hours", local(0, 0, 5))
    buy("lvpkg-dm000010", aurora, "traffic", "500 GB", local(2, 12, 0), giveaway=True)
    buy("lvpkg-dm000011", aurora, "co_anchoring", "1,000 hours", local(1, 11, 40))
    buy("lvpkg-dm000012", aurora, "licence", "Mobile live licence, 1 year", local(2, 15, 10), Payment(commission="200.00"))
    refunded = buy("lvpkg-dm000013", aurora, "traffic", "1 TB", local(4, 18, 0))
    buy("lvpkg-dm000014", aurora, "traffic", "10 TB", local(400, 10, 0), Payment(discount="35.08"))
    buy("lvpkg-dm000015", aurora, "transcode_tsc", "50 hours", local(8, 13, 25))
    # Nebula (suspended for violations) and Harbor (overdue: refunds still allowed).
    buy("lvpkg-dm000021", nebula, "traffic", "1 TB", local(1, 10, 0))
    buy("lvpkg-dm000022", nebula, "transcode_standard", "100 hours", local(2, 19, 30))
    buy("lvpkg-dm000031", harbor, "traffic", "500 GB", local(1, 8, 45))
    # Pinewood bills by bandwidth, so its packages are frozen.
    buy("lvpkg-dm000041", pinewood, "traffic", "5 TB", local(30, 9, 0))
    buy("lvpkg-dm000042", pinewood, "traffic", "1 TB", local(1, 17, 0))

    # One earlier self-service refund, through the real service, so the allowance shows 2 of 3.
    from refunds.services import package_refund

    demo_member = Member.objects.get(user__username="demo")
    package_refund(
        package_id=refunded.pk, owner=aurora, actor=demo_member.user,
        idempotency_key=f"seed-{uuid.uuid4()}", reason="wrong_spec", member=demo_member,
    )


def _account(uin, name, *, cash="0", commission="0", free="0", status=AccountStatus.ACTIVE,
             billing_mode=BillingMode.DAILY_TRAFFIC) -> Account:
    account = Account.objects.create(uin=uin, name=name, status=status, billing_mode=billing_mode)
    for bucket, amount in ((Bucket.CASH, cash), (Bucket.COMMISSION, commission), (Bucket.FREE, free)):
        if Decimal(amount):
            ledger_post(account=account, bucket=bucket, amount=Decimal(amount), kind=LedgerKind.TOP_UP,
                        memo="Opening balance")
    return account


def _user(username: str, *, email: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(username)
    user.save()
    return user


def _login(username: str, account: Account, role: str, *, email: str) -> Member:
    return Member.objects.create(user=_user(username, email=email), account=account, role=role)


class _Buyer:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self, code, owner, kind, spec_name, purchased_at, payment=Payment(), *, payer=None,
                 giveaway=False) -> Package:
        spec = PackageSpec.objects.get(kind=kind, name=spec_name)
        payer = payer or owner
        price = Decimal("0") if giveaway else spec.list_price
        parts = {k: Decimal(v) for k, v in vars(payment).items()}
        cash = price - sum(parts.values())
        package = Package.objects.create(
            code=code, owner=owner, payer=payer, spec=spec, kind=kind,
            source=PackageSource.GIVEAWAY if giveaway else PackageSource.PURCHASED,
            total=spec.size, purchased_at=purchased_at, expires_at=purchased_at + timedelta(days=365),
            list_price=price, discount=parts["discount"], voucher=parts["voucher"],
            paid_cash=cash, paid_commission=parts["commission"], paid_free=parts["free"],
        )
        for bucket, amount in ((Bucket.CASH, cash), (Bucket.COMMISSION, parts["commission"]), (Bucket.FREE, parts["free"])):
            if amount:
                ledger_post(account=payer, bucket=bucket, amount=-amount, kind=LedgerKind.PURCHASE,
                            package=package, reference=f"purchase:{code}", memo=f"Bought {spec}")
        return package


def _deduct(package: Package, rows, now: datetime) -> None:
    """rows: (days ago, usage kind, usage in GB, ratio); the billing run's work, done by hand."""
    total = Decimal("0")
    for days_ago, kind, usage, ratio in rows:
        amount = min((Decimal(usage) * Decimal(ratio)).quantize(Decimal("0.001")), package.total - total)
        day = (now - timedelta(days=days_ago)).astimezone(clock.billing_zone()).date()
        Deduction.objects.create(
            package=package, usage_date=day - timedelta(days=1), deducted_at=now - timedelta(days=days_ago),
            usage_kind=kind, usage=Decimal(usage), ratio=Decimal(ratio), amount=amount,
        )
        total += amount
    package.used = total
    package.save(update_fields=["used"])
