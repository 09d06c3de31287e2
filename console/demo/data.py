"""The demo data set: accounts, people and packages that walk through every branch of the policy.

Times are relative to the clock, so a seed made today always has "bought today" and "deadline
today" packages. Balances are built through the ledger as they would have been: opening top-ups,
then every purchase in the order it was made, each dated when it happened and paid as the
console pays (`console.purchases.pricing.quote`: free credits first, then commission credits,
then cash), so `check_ledger` holds and the Balance and bills page reads like a real history.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction

from console.accounts.models import Account, AccountStatus, BillingMode, Member, MemberRole
from console.core import clock
from console.ledger.memos import Memo
from console.ledger.models import Bucket, LedgerKind, MemoKind
from console.ledger.services import ledger_post
from console.notifications.services import expiry_reminders_create
from console.packages.models import Deduction, Package, PackageSource, PackageSpec
from console.purchases.catalogue import reference_data_ensure
from console.purchases.pricing import quote

DEMO_UIN = 100023456789
# The package whose purchase day tells whether the seed was made today.
TODAY_MARKER = "lvpkg-dm000009"



# Opening balances are dated this long before the oldest demo purchase.
OPENING_DAYS_AGO = 401


@dataclass(frozen=True)
class Payment:
    """What came off the list price; the rest is paid from the payer's balances in the console's order."""

    discount: str = "0"
    voucher: str = "0"


def seeded_today() -> bool:
    bought = Package.objects.filter(code=TODAY_MARKER).values_list("purchased_at", flat=True).first()
    return bought is not None and bought.astimezone(clock.billing_zone()).date() == clock.today()


def demo_reset() -> None:
    """Empty every table (the demo database holds nothing else) and seed again."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    demo_seed()


def demo_seed() -> None:
    _demo_seed_accounts()
    # After the seed's transaction (and a reset's, which wraps it): the billing batches are durable
    # transactions of their own. Outside any transaction this runs at once.
    now = clock.now()
    transaction.on_commit(lambda: _demo_overdue_cases(now=now))
    transaction.on_commit(lambda: _demo_billing_modes(now=now))


@transaction.atomic
def _demo_seed_accounts() -> None:
    reference_data_ensure()
    now = clock.now()
    zone = clock.billing_zone()
    today = now.astimezone(zone).date()

    def local(days_ago: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hh, mm, ss), tzinfo=zone)

    def hours_ago(hours: float) -> datetime:
        return now - timedelta(hours=hours)

    opened = local(OPENING_DAYS_AGO, 9)
    aurora = _account(DEMO_UIN, "Aurora Live Media Co., Ltd.", opened, cash="4800.00", commission="600.00", free="150.00")
    group = _account(100023450001, "Aurora Group Holdings (payer)", opened, cash="5000.00")
    nebula = _account(100031415926, "Nebula Esports", opened, cash="420.00", status=AccountStatus.SUSPENDED_VIOLATION)
    # Harbor and Lumen owe money: the lifecycle makes their standing (`_demo_overdue_cases`).
    harbor = _account(100027182818, "Harbor Education Online", opened, cash="90.00")
    lumen = _account(LUMEN_UIN, "Lumen Language School", opened, cash="12.00")
    # Pinewood switched to daily peak bandwidth yesterday and Cedar asks for it today
    # (`_demo_billing_modes`, through the one service, after this transaction).
    pinewood = _account(PINEWOOD_UIN, "Pinewood Radio & Podcasts", opened, cash="600.00")
    cedar = _account(CEDAR_UIN, "Cedar Sports Live", opened, cash="900.00")

    _login("demo", aurora, MemberRole.OWNER, email="ops@aurora-live.example")
    _login("viewer", aurora, MemberRole.SUB_USER, email="finance.viewer@aurora-live.example")
    _login("suspended", nebula, MemberRole.OWNER, email="admin@nebula-esports.example")
    _login("overdue", harbor, MemberRole.OWNER, email="it@harbor-edu.example")
    _login("arrears", lumen, MemberRole.OWNER, email="office@lumen-school.example")
    _login("pinewood", pinewood, MemberRole.OWNER, email="tech@pinewood-radio.example")
    _login("cedar", cedar, MemberRole.OWNER, email="noc@cedar-sports.example")
    admin = _user("admin", email="css-support@tencent-demo.example")
    admin.is_staff = admin.is_superuser = True
    admin.save()

    buy = _Buyer()
    # Aurora Live Media: one package for every branch of the policy. Listed by code; bought (and
    # paid) in the order of their purchase times, below.
    buy("lvpkg-dm000001", aurora, "traffic", "1 TB", hours_ago(2))
    buy("lvpkg-dm000002", aurora, "traffic", "10 TB", local(1, 14, 20), Payment(discount="35.08", voucher="10.00"))
    buy("lvpkg-dm000003", aurora, "transcode_standard", "1,000 hours", local(2, 10, 5))
    buy("lvpkg-dm000004", aurora, "transcode_tsc", "100 hours", local(3, 16, 45), payer=group)
    buy("lvpkg-dm000005", aurora, "traffic", "500 GB", local(3, 9, 12),
        deductions=[(1, "LVB Chinese mainland", "38.412", "1"), (2, "LEB Chinese mainland", "12.150", "2")])
    buy("lvpkg-dm000006", aurora, "traffic", "100 GB", local(24, 11, 0),
        deductions=[(22, "LVB Chinese mainland", "61.000", "1"), (21, "LVB outside mainland (AP1)", "22.000", "1.7692")])
    buy("lvpkg-dm000007", aurora, "traffic", "5 TB", local(12, 20, 30), Payment(discount="17.91"))
    buy("lvpkg-dm000008", aurora, "traffic", "1 TB", local(5, 9, 30))
    # Bought today at 00:05, or at the seed's own time in the first five minutes of a day: never
    # after it (a purchase in the future, paid before the refund below, spent the refund's credits).
    buy(TODAY_MARKER, aurora, "transcode_standard", "100 hours", min(local(0, 0, 5), now))
    buy("lvpkg-dm000010", aurora, "traffic", "500 GB", local(2, 12, 0), giveaway=True)
    buy("lvpkg-dm000011", aurora, "co_anchoring", "1,000 hours", local(1, 11, 40))
    buy("lvpkg-dm000012", aurora, "licence", "1 year", local(2, 15, 10))
    buy("lvpkg-dm000013", aurora, "traffic", "1 TB", local(4, 18, 0))
    buy("lvpkg-dm000014", aurora, "traffic", "10 TB", local(400, 10, 0), Payment(discount="35.08"))
    buy("lvpkg-dm000015", aurora, "transcode_tsc", "50 hours", local(8, 13, 25))
    # Bought 358 days ago, so it expires in 7 days: today's expiry reminder is in the message center.
    buy("lvpkg-dm000016", aurora, "traffic", "1 TB", local(358, 10, 0),
        deductions=[(200, "LVB Chinese mainland", "310.000", "1"), (40, "LVB Chinese mainland", "180.500", "1")])
    # Yesterday at noon a campaign's free credits and a referral commission arrived: the 10 TB
    # bought after them is paid from all three, free credits first, then commission, then cash.
    buy.top_up(aurora, Bucket.FREE, "80.00", local(1, 12, 0), memo=Memo.of(MemoKind.CAMPAIGN_FREE_CREDITS))
    buy.top_up(aurora, Bucket.COMMISSION, "50.00", local(1, 12, 0), memo=Memo.of(MemoKind.REFERRAL_COMMISSION))
    # Nebula (suspended for violations) and Harbor (overdue: refunds still allowed).
    buy("lvpkg-dm000021", nebula, "traffic", "1 TB", local(1, 10, 0))
    buy("lvpkg-dm000022", nebula, "transcode_standard", "100 hours", local(2, 19, 30))
    # Bought three days ago (still refundable): it paid for part of the usage that put Harbor in arrears.
    buy("lvpkg-dm000031", harbor, "traffic", "500 GB", local(3, 8, 45))
    # Pinewood bills by bandwidth since today, so its traffic packages are frozen.
    buy("lvpkg-dm000041", pinewood, "traffic", "5 TB", local(30, 9, 0))
    buy("lvpkg-dm000042", pinewood, "traffic", "1 TB", local(1, 17, 0))
    # Cedar's change to bandwidth is pending until tomorrow: its traffic packages deduct until then.
    buy("lvpkg-dm000051", cedar, "traffic", "10 TB", local(40, 10, 0), deductions=[(3, "LVB Chinese mainland", "812.400", "1")])
    buy("lvpkg-dm000052", cedar, "traffic", "1 TB", local(2, 15, 30))
    buy("lvpkg-dm000053", cedar, "transcode_standard", "1,000 hours", local(40, 10, 5))
    packages = buy.settle(now)

    # One earlier self-service refund, through the real service, so the allowance shows 2 of 3
    # (a step of the seeding's one transaction, so `package_refund_within`).
    from refunds.services import RefundRequest, package_refund_within

    demo_member = Member.objects.get(user__username="demo")
    package_refund_within(RefundRequest(
        package_id=packages["lvpkg-dm000013"].pk, owner=aurora, actor=demo_member.user,
        idempotency_key=f"seed-{uuid.uuid4()}", reason="wrong_spec", member=demo_member,
    ))
    # Today's reminders, as the 09:00 schedule would send them: the bell has something to show.
    expiry_reminders_create(day=today)
    _demo_tickets(aurora, demo_member, admin, now=now)


LUMEN_UIN = 100014142135
PINEWOOD_UIN = 100016180339
CEDAR_UIN = 100017320508


def _demo_billing_modes(*, now: datetime) -> None:
    """Two billing-mode changes, through the one service (durable: after the seed's transaction).
    Pinewood asked for daily peak bandwidth yesterday morning, with no usage then: in force since
    today, its traffic packages frozen; it has streamed today, so switching back now would wait
    until the day after tomorrow. Cedar asked today (no usage yet): pending, in force from
    tomorrow, which the presenter's "+1 day" shows."""
    from console.billing.models import DailyPeak, UsageRecord
    from console.billing.services import billing_mode_change

    zone = clock.billing_zone()
    today = now.astimezone(zone).date()
    for uin, at in ((PINEWOOD_UIN, datetime.combine(today - timedelta(days=1), time(9, 30), tzinfo=zone)), (CEDAR_UIN, now)):
        owner = Member.objects.select_related("user").get(account__uin=uin, role=MemberRole.OWNER)
        billing_mode_change(account_id=owner.account_id, mode=BillingMode.DAILY_BANDWIDTH, actor=owner.user, member=owner, at=at)
    pinewood = Account.objects.get(uin=PINEWOOD_UIN)
    UsageRecord.objects.get_or_create(
        account=pinewood, day=today, package_kind="traffic", item="lvb:mainland", defaults={"quantity": Decimal("180")},
    )
    DailyPeak.objects.get_or_create(account=pinewood, day=today, defaults={"mbps": Decimal("52.000")})


def _demo_tickets(account: Account, member: Member, staff, *, now: datetime) -> None:
    """Aurora's tickets, one in each service-level state. Urgent ones count round the clock, so
    "due soon" and "breached" hold whatever the time of day the seed is made: one due in 20
    minutes (the presenter's +1 hour breaches it), one 90 minutes overdue, one answered and waiting
    for the customer, one resolved with an answer and not rated yet, one resolved and rated 5."""
    from tickets.models import Ticket, TicketMessage, TicketRating
    from tickets.reference_data import reference_data_ensure
    from tickets.selectors import due_times_for, service_level_for, working_calendar

    # A reset flushed the policy and holidays the migration loaded.
    reference_data_ensure()
    working = working_calendar()

    def ticket(title, description, *, priority, issue_type, age, assignee=None, status="open", resolution=""):
        created = now - age
        level = service_level_for(issue_type=issue_type, priority=priority)
        due = due_times_for(level=level, submitted_at=created, working=working)
        return Ticket.objects.create(
            account=account, raised_by=member.user, product="css", issue_type=issue_type, title=title,
            description=description, contact_email=member.user.email, contact_phone="+86 13800000000",
            priority=priority, service_level=level, first_reply_due_at=due.first_reply,
            resolution_due_at=due.resolution, assignee=assignee, status=status, resolution=resolution,
            created_at=created, updated_at=created,
        )

    def answer(on, body, *, after, resolve=False):
        at = on.created_at + after
        TicketMessage.objects.create(ticket=on, author=staff, from_staff=True, body=body, created_at=at)
        on.first_replied_at = on.first_replied_at or at
        on.updated_at = at
        if resolve:
            on.status, on.resolution, on.resolved_at = "resolved", "answered", at
        on.save()

    ticket("Live stream keeps dropping every few minutes",
           "Our main channel's push disconnects every 3 to 5 minutes since this morning.",
           priority="urgent", issue_type="push_playback", age=timedelta(minutes=10))
    ticket("Viewers in Guangzhou cannot play the stream",
           "Playback fails with a timeout for viewers in Guangzhou; other cities are fine.",
           priority="urgent", issue_type="push_playback", age=timedelta(minutes=120), assignee=staff)
    waiting = ticket("How do I add a second push domain?", "We want a separate push domain for our events team.",
                     priority="normal", issue_type="other", age=timedelta(days=1, hours=2), assignee=staff,
                     status="awaiting_customer")
    answer(waiting, "Add it under Domain Management > Add Domain, type Push. Which region should it serve?",
           after=timedelta(hours=1))
    unrated = ticket("Where are recordings stored?", "Where do the recordings of our streams go, and for how long?",
                     priority="low", issue_type="other", age=timedelta(hours=30), assignee=staff)
    answer(unrated, "Recordings go to the VOD bucket you chose in the recording template; they are kept until you "
           "delete them.", after=timedelta(hours=5), resolve=True)
    rated = ticket("Question about transcoding templates", "Can one template produce both 720p and 1080p?",
                   priority="normal", issue_type="other", age=timedelta(days=3), assignee=staff)
    answer(rated, "Yes: add both outputs to the template; each is billed as its own transcoding.",
           after=timedelta(hours=2), resolve=True)
    TicketRating.objects.create(ticket=rated, score=5, comment="Quick and clear, thank you.", rated_by=member.user,
                                rated_at=rated.resolved_at + timedelta(hours=1))


def _demo_overdue_cases(*, now: datetime) -> None:
    """Two accounts in the overdue-payment lifecycle, made by the lifecycle itself: each has a day
    of usage that the daily billing run (`bill_accounts`, as billed at the time given) could not
    collect in full. Harbor was billed 30 hours ago, so its 24 hours ran out 6 hours ago and the
    sweep suspends it; Lumen was billed 3 hours ago and is in arrears, 21 hours left."""
    from console.billing.arrears import standing_sweep
    from console.billing.models import UsageRecord
    from console.billing.run import bill_accounts

    zone = clock.billing_zone()
    for uin, billed_hours_ago, gigabytes in ((100027182818, 30, "2000"), (LUMEN_UIN, 3, "600")):
        account = Account.objects.get(uin=uin)
        billed_at = now - timedelta(hours=billed_hours_ago)
        day = billed_at.astimezone(zone).date() - timedelta(days=1)
        UsageRecord.objects.get_or_create(
            account=account, day=day, package_kind="traffic", item="lvb:mainland", defaults={"quantity": Decimal(gigabytes)},
        )
        bill_accounts([account.pk], day=day, at=billed_at)
    standing_sweep(now=now)


def _account(uin, name, opened: datetime, *, cash="0", commission="0", free="0", status=AccountStatus.ACTIVE,
             billing_mode=BillingMode.DAILY_TRAFFIC) -> Account:
    account = Account.objects.create(uin=uin, name=name, status=status, billing_mode=billing_mode)
    for bucket, amount in ((Bucket.CASH, cash), (Bucket.COMMISSION, commission), (Bucket.FREE, free)):
        if Decimal(amount):
            ledger_post(account=account, bucket=bucket, amount=Decimal(amount), kind=LedgerKind.TOP_UP,
                        memo=Memo.of(MemoKind.OPENING_BALANCE), at=opened)
    return account


# The demo's passwords are the user names, printed for everyone: hashing them with the full
# PBKDF2 work factor (about a third of a second each) only slowed every reset. They are hashed
# once per process with few iterations; Django re-hashes a password at full strength at its
# first login (`check_password` upgrades an outdated hash).
_DEMO_PASSWORD_ITERATIONS = 1_000
_demo_password_hashes: dict[tuple[str, str], str] = {}


def _demo_password(username: str) -> str:
    hasher = get_hasher()
    key = (hasher.algorithm, username)
    if key not in _demo_password_hashes:
        if isinstance(hasher, PBKDF2PasswordHasher):
            _demo_password_hashes[key] = hasher.encode(username, hasher.salt(), _DEMO_PASSWORD_ITERATIONS)
        else:
            _demo_password_hashes[key] = make_password(username)
    return _demo_password_hashes[key]


def _user(username: str, *, email: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.password = _demo_password(username)
    user.save()
    return user


def _login(username: str, account: Account, role: str, *, email: str) -> Member:
    return Member.objects.create(user=_user(username, email=email), account=account, role=role)


@dataclass
class _Purchase:
    code: str
    owner: Account
    kind: str
    spec_name: str
    purchased_at: datetime
    payment: Payment
    payer: Account
    giveaway: bool
    deductions: list


@dataclass
class _TopUp:
    account: Account
    bucket: str
    amount: str
    purchased_at: datetime  # when it happened; named so purchases and top-ups sort together
    memo: Memo


class _Buyer:
    """Collects the demo's purchases and top-ups, then makes them in the order they happened."""

    def __init__(self):
        self.events: list[_Purchase | _TopUp] = []

    def __call__(self, code, owner, kind, spec_name, purchased_at, payment=Payment(), *, payer=None,
                 giveaway=False, deductions=()) -> None:
        self.events.append(_Purchase(code, owner, kind, spec_name, purchased_at, payment, payer or owner,
                                     giveaway, list(deductions)))

    def top_up(self, account: Account, bucket: str, amount: str, at: datetime, *, memo: Memo) -> None:
        self.events.append(_TopUp(account, bucket, amount, at, memo))

    def settle(self, now: datetime) -> dict[str, Package]:
        packages = {}
        for event in sorted(self.events, key=lambda event: event.purchased_at):
            if isinstance(event, _TopUp):
                ledger_post(account=event.account, bucket=event.bucket, amount=Decimal(event.amount),
                            kind=LedgerKind.TOP_UP, memo=event.memo, at=event.purchased_at)
                continue
            package = self._buy(event)
            if event.deductions:
                _deduct(package, event.deductions, now)
            packages[event.code] = package
        return packages

    @staticmethod
    def _buy(event: _Purchase) -> Package:
        spec = PackageSpec.objects.get(kind=event.kind, name=event.spec_name)
        payer = event.payer
        price = Decimal("0") if event.giveaway else spec.list_price
        discount, voucher = Decimal(event.payment.discount), Decimal(event.payment.voucher)
        # The console's payment order, from the payer's balances at the time of the purchase.
        paid = quote(
            list_price=price - discount, discount_percent=Decimal("0"), voucher_amount=voucher,
            free=payer.free_balance, commission=payer.commission_balance, cash=payer.cash_balance,
        )
        if not paid.affordable:
            raise ValueError(f"The demo's {event.code} costs more than {payer.name} has")
        package = Package.objects.create(
            code=event.code, owner=event.owner, payer=payer, spec=spec, kind=event.kind,
            source=PackageSource.GIVEAWAY if event.giveaway else PackageSource.PURCHASED,
            total=spec.size, purchased_at=event.purchased_at, expires_at=event.purchased_at + timedelta(days=365),
            list_price=price, discount=discount, voucher=paid.voucher,
            paid_cash=paid.paid_cash, paid_commission=paid.paid_commission, paid_free=paid.paid_free,
        )
        for bucket, amount in ((Bucket.FREE, paid.paid_free), (Bucket.COMMISSION, paid.paid_commission),
                               (Bucket.CASH, paid.paid_cash)):
            if amount:
                ledger_post(account=payer, bucket=bucket, amount=-amount, kind=LedgerKind.PURCHASE,
                            package=package, reference=f"purchase:{event.code}", memo=Memo.purchase(code=package.code, spec=spec),
                            at=event.purchased_at)
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
