"""The daily billing run: deduct a day's usage from packages, charge the rest pay-as-you-go.

Each account's day is billed in the billing mode in force on that day (read from the history,
`console.billing.selectors.billing_mode_on_day`, so a day billed late or again keeps its own mode):
by daily traffic, traffic packages deduct and the rest is charged by the GB; by daily peak
bandwidth, traffic packages are frozen (not deducted) and the day's traffic is charged once, from
its peak bandwidth at the price list's tier (`rates.PEAK_BANDWIDTH_TIERS`). Transcoding packages
deduct in every mode.

Accounts are billed in batches (`bill_accounts`, one per batch): a batch's usage is read at once,
the accounts are marked "billing in progress", then in one short transaction the batch's Account
rows are locked (pk order), then their packages (pk order), the deductions, new package totals,
bills and pay-as-you-go charges are computed in Python with Decimal, and everything is written
set-based: a handful of statements per batch however many accounts it holds, no per-account
write while the locks are held (but for the rare auto-renewal, which is a purchase). A DailyBill
per account and day makes a second run (or the rest of a run that died) skip what is already
billed.
"""

import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils.translation import gettext

from console.accounts.models import Account, BillingMode
from console.billing import rates
from console.billing.allocation import Slot, allocate
from console.billing.arrears import standing_apply_locked
from console.billing.models import METERED_KINDS, DailyBill, DailyPeak, UsageRecord
from console.billing.modes import traffic_packages_frozen
from console.billing.renewal import MAX_RENEWALS_PER_TYPE_PER_DAY, renew_locked
from console.billing.selectors import billing_mode_on_day, stale_billing_marks
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.bulk import any_of, bulk_insert, bulk_set
from console.core.money import money
from console.ledger.memos import Memo
from console.ledger.models import Bucket, LedgerKind
from console.ledger.services import Posting, ledger_post_many
from console.packages.locks import account_ids_lock, account_lock, accounts_lock, package_ids_lock
from console.packages.models import Deduction, Package, PackageKind

# A batch's statements and commits cost the same however many accounts it holds: at a tenth of the
# benchmark, 1,000 accounts per batch cost 9% less PostgreSQL CPU than 500, and 2,000 only 3% less
# again while holding twice as many accounts locked for twice as long (about 0.4 s on an idle host).
DEFAULT_BATCH_SIZE = 1000
ZERO = Decimal("0.00")

logger = logging.getLogger(__name__)


@dataclass
class BillingSummary:
    day: date
    accounts_billed: int = 0
    frozen_accounts: int = 0
    deductions: int = 0
    pay_as_you_go: Decimal = ZERO
    owed: Decimal = ZERO
    renewals: int = 0
    renewal_failures: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        # In the language active where it is shown (the presenter panel's message, the command's output).
        return gettext(
            "Billed %(day)s: %(accounts)s accounts, %(deductions)s deductions, "
            "USD %(paygo)s pay-as-you-go (USD %(owed)s owed), "
            "%(renewals)s auto-renewals (%(failures)s failed), "
            "%(frozen)s accounts billed by bandwidth (traffic packages frozen), in %(seconds)s s."
        ) % {
            "day": self.day, "accounts": self.accounts_billed, "deductions": self.deductions,
            "paygo": self.pay_as_you_go, "owed": self.owed, "renewals": self.renewals,
            "failures": self.renewal_failures, "frozen": self.frozen_accounts, "seconds": f"{self.seconds:.1f}",
        }

    def add(self, other: "BillingSummary") -> None:
        """Count `other` (a batch of the same day) in; the time is the caller's to set."""
        self.accounts_billed += other.accounts_billed
        self.frozen_accounts += other.frozen_accounts
        self.deductions += other.deductions
        self.pay_as_you_go += other.pay_as_you_go
        self.owed += other.owed
        self.renewals += other.renewals
        self.renewal_failures += other.renewal_failures


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of `day` in the billing zone."""
    zone = clock.billing_zone()
    start = datetime.combine(day, clock_time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), clock_time.min, tzinfo=zone)


def pays_for_day(day_end: datetime) -> Q:
    """The packages that may pay for the day ending at `day_end`.

    Not one bought after that day ended (the purchase-day rule: bought on Dec 25, it covers
    Dec 25's usage but not Dec 24's), nor a refunded, reclaimed or used-up one, nor one not valid
    through the whole day.
    """
    return Q(
        refunded_at__isnull=True, reclaimed_at__isnull=True, purchased_at__lt=day_end, expires_at__gt=day_end,
        used__lt=F("total"),
    )


@dataclass(slots=True)
class PackageRow:
    """The facts billing needs of a package: plain values, since a batch loads thousands."""

    FIELDS = ("pk", "owner_id", "kind", "spec_id", "total", "used", "auto_renew")

    pk: int
    owner_id: int
    kind: str
    spec_id: int
    total: Decimal
    used: Decimal
    auto_renew: bool
    pays: bool

    @classmethod
    def of(cls, package: Package, *, pays: bool) -> "PackageRow":
        return cls(*(getattr(package, name) for name in cls.FIELDS), pays=pays)


def billing_run(*, day: date, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 1) -> BillingSummary:
    """Bill `day` for every account that has usage and no bill yet, each in the billing mode in
    force on `day`, `batch_size` accounts at a time (each batch is one `bill_accounts`).

    `workers` > 1 bills that many batches at a time, each on a database connection of its own, so
    one batch's Python work overlaps another's database work. Only on PostgreSQL, and only
    outside a transaction (other connections could not see its rows); otherwise one at a time.
    Batches hold disjoint accounts and their own packages, so they never wait on each other.
    """
    started = time.monotonic()
    summary = BillingSummary(day=day)
    has_usage = Exists(UsageRecord.objects.filter(account=OuterRef("pk"), day=day))
    billed = Exists(DailyBill.objects.filter(account=OuterRef("pk"), day=day))
    # Picked once (a list of ids, under a megabyte for 100,000 accounts), not once per batch: the
    # pick is a scan of the day's usage and bills.
    pending = list(
        Account.objects.filter(has_usage)
        .exclude(billed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = [pending[start:start + batch_size] for start in range(0, len(pending), batch_size)]
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        parts = _bill_in_threads(batches, day=day, workers=workers)
    else:
        parts = (bill_accounts(ids, day=day) for ids in batches)
    for part in parts:
        summary.add(part)
    summary.seconds = time.monotonic() - started
    return summary


def bill_accounts(account_ids: Iterable[int], *, day: date, at: datetime | None = None) -> BillingSummary:
    """Bill `day` for the accounts of `account_ids`, as one batch: the unit of work of
    `billing_run`, and of a worker billing a shard of accounts.

    Idempotent: it bills only the accounts that have usage on `day` and no bill for it yet
    (decided under their locks, so a concurrent run or a second call bills nothing twice), each
    in the billing mode in force on `day`. Self-contained: it marks those accounts "billing
    in progress" (refunds wait), bills them in one transaction that clears the marks together
    with the bills it writes, and if that transaction fails it clears the marks before raising,
    so a failed batch leaves nothing behind and running it again bills it.

    The transaction holds every account of the list and its packages locked, and its queries do
    not grow with the list (a few more per auto-renewal), so give it a batch (DEFAULT_BATCH_SIZE
    accounts), not a whole day.
    """
    started = time.monotonic()
    summary = BillingSummary(day=day)
    usage = _usage_unbilled(sorted(set(account_ids)), day=day)
    ids = sorted(usage)
    if ids:
        _mark_billing(ids, at=clock.now())
        try:
            _bill_locked(ids, day=day, usage=usage, summary=summary, at=at)
        except BaseException:
            _marks_clear(ids)
            raise
    summary.seconds = time.monotonic() - started
    return summary


def _bill_in_threads(batches: list[list[int]], *, day: date, workers: int) -> list[BillingSummary]:
    """`bill_accounts` for each batch, on `workers` threads (each with its own connection, closed
    when it is done). The first failure stops the other threads taking new batches and is raised
    once they have finished theirs; every failed batch has cleared its own marks."""
    queue, done, failures = deque(batches), [], []
    failed = threading.Event()

    def work() -> None:
        try:
            while not failed.is_set():
                try:
                    ids = queue.popleft()
                except IndexError:
                    return
                done.append(bill_accounts(ids, day=day))
        except BaseException as exc:
            failures.append(exc)
            failed.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, name=f"billing-{n}") for n in range(min(workers, len(batches)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return done


def _usage_unbilled(ids: list[int], *, day: date) -> dict[int, list[tuple[str, str, Decimal]]]:
    """The day's usage of those of `ids` not billed for `day` yet, by account.

    Usage is written once per account and day, so it is read before the locks are taken (whether
    the account is billed is decided again under them).
    """
    usage: dict[int, list[tuple[str, str, Decimal]]] = {}
    billed = Exists(DailyBill.objects.filter(account=OuterRef("account"), day=day))
    for account_id, kind, item, quantity in (
        UsageRecord.objects.filter(any_of("account_id", ids), day=day)
        .exclude(billed)
        .order_by("account_id", "package_kind", "item")
        .values_list("account_id", "package_kind", "item", "quantity")
    ):
        usage.setdefault(account_id, []).append((kind, item, quantity))
    return usage


def _bill_locked(ids: list[int], *, day: date, usage: dict, summary: BillingSummary, at: datetime | None = None) -> None:
    day_end = day_bounds(day)[1]
    # Durable: the batch's bills commit here, never inside a caller's transaction that could hide
    # the commit (and keep the marks of accounts it claims to have billed).
    with transaction.atomic(durable=True):
        accounts = list(accounts_lock(ids).values())
        # Another run may have billed some of these since they were picked; the lock settles it.
        done = set(DailyBill.objects.filter(any_of("account_id", ids), day=day).order_by().values_list("account_id", flat=True))
        pays = pays_for_day(day_end)
        # A reclaimed package neither pays nor renews (the repossession turned its renewal off too).
        wanted = Package.objects.filter(
            any_of("owner_id", ids), kind__in=METERED_KINDS, refunded_at__isnull=True, reclaimed_at__isnull=True
        ).filter(
            pays | Q(auto_renew=True)
        )
        package_ids_lock(wanted)
        # Read again under the locks, soonest expiry first (the pk breaks ties, so a re-run draws
        # in the same order), with the rule above decided by the database: no dates to decode
        # (reading expiry dates to sort them here cost more than this second read).
        packages = defaultdict(list)
        for row in (
            wanted.annotate(pays=ExpressionWrapper(pays, output_field=BooleanField()))
            .order_by("owner_id", "expires_at", "pk")
            .values_list(*PackageRow.FIELDS, "pays")
        ):
            package = PackageRow(*row)
            packages[package.owner_id].append(package)

        # The day's own mode (a change asked today only ever takes effect from tomorrow, so the
        # lock is not needed for it; read here with the rest of the batch's facts).
        peak = DailyPeak.objects.filter(account=OuterRef("pk"), day=day).values("mbps")[:1]
        modes, peaks = {}, {}
        for pk, mode, mbps in (
            Account.objects.filter(any_of("pk", ids)).order_by().values_list("pk", billing_mode_on_day(day), Subquery(peak))
        ):
            # Quantized again: SQLite hands a subquery's decimal back without its column's places.
            modes[pk], peaks[pk] = mode, None if mbps is None else Decimal(str(mbps)).quantize(rates.QUANTITY_STEP)
        # `at` only for the demo seed (a day billed hours ago, so its arrears began then).
        batch = _Batch(day=day, now=at or clock.now(), summary=summary)
        for account in accounts:
            if account.pk in done:
                continue
            batch.bill_account(
                account, usage[account.pk], packages[account.pk], mode=modes[account.pk], peak=peaks.get(account.pk),
            )
        batch.write()
        Account.objects.filter(any_of("pk", ids)).update(billing_started_at=None)
        # The lifecycle, under the same locks: a bill that leaves an amount owed puts the account
        # in arrears (its notice commits with the bill); an account already overdue moves on.
        for account, _bill in batch.bills:
            standing_apply_locked(account, now=batch.now, cause=f"bill:{day.isoformat()}")


def _mark_billing(ids: list[int], *, at: datetime) -> None:
    """Set the "billing in progress" marker where refund pages and the refund service see it."""
    with transaction.atomic():
        # Locked like every other writer, so marking cannot deadlock a refund.
        account_ids_lock(ids)
        Account.objects.filter(any_of("pk", ids)).update(billing_started_at=at)


def _marks_clear(ids: list[int]) -> None:
    """Clear the markers of a batch that failed. If the database cannot be reached now, the
    batch's next run clears them (it marks and clears the same accounts)."""
    try:
        with transaction.atomic():
            account_ids_lock(ids)
            Account.objects.filter(any_of("pk", ids)).update(billing_started_at=None)
    except DatabaseError:
        logger.exception("Could not clear the billing markers of %d accounts after a failed batch", len(ids))


DEDUCTION_FIELDS = ("package_id", "usage_date", "deducted_at", "usage_kind", "usage", "ratio", "amount")
BILL_FIELDS = ("account_id", "day", "billed_at", "deducted_items", "pay_as_you_go", "paid_cash", "owed", "lines")


@dataclass(frozen=True, slots=True)
class _Bill:
    paid: Decimal
    owed: Decimal
    row: tuple


class _Batch:
    """The deductions, package changes, bills and charges of one locked batch, computed in Python
    with Decimal and written set-based at the end (`write`)."""

    def __init__(self, *, day: date, now: datetime, summary: BillingSummary):
        self.day, self.now, self.summary = day, now, summary
        self.deductions: list[tuple] = []
        self.changed: dict[int, PackageRow] = {}
        self.bills: list[tuple[Account, _Bill]] = []

    def bill_account(
        self, account: Account, usage: list[tuple[str, str, Decimal]], packages: list[PackageRow], *,
        mode: str = BillingMode.DAILY_TRAFFIC, peak: Decimal | None = None,
    ) -> None:
        # Under a bandwidth mode traffic packages are frozen: no slot to draw from, no renewal.
        frozen = traffic_packages_frozen(mode)
        if frozen:
            self.summary.frozen_accounts += 1
            packages = [package for package in packages if package.kind != PackageKind.TRAFFIC]
        by_id = {p.pk: p for p in packages}
        slots: dict[str, list[Slot]] = defaultdict(list)
        renewing_kinds = set()
        traffic_gb = ZERO
        for package in packages:
            if package.pays:
                slots[package.kind].append(Slot(package_id=package.pk, remaining=package.total - package.used))
            if package.auto_renew:
                renewing_kinds.add(package.kind)
        renewals: dict[str, int] = defaultdict(int)
        lines, charge, deducted = [], ZERO, 0
        for kind, item, quantity in usage:
            rate = rates.rate_for(kind, item)
            if frozen and kind == PackageKind.TRAFFIC:
                # Charged by the day's peak below (or, monthly, at the month's end), not by the GB.
                traffic_gb += quantity
                lines.append({
                    "kind": kind, "item": item, "label": rate.label, "usage": str(quantity), "ratio": str(rate.ratio),
                    "covered": "0.000", "uncovered": "0.000", "charge": "0.00", "billed_by": mode,
                })
                continue
            need = rates.package_units(quantity, rate.ratio)
            if kind in renewing_kinds:
                self._renew_while_short(account, kind, need, slots[kind], by_id, renewals)
            takes, uncovered = allocate(quantity=quantity, ratio=rate.ratio, slots=slots[kind])
            for take in takes:
                package = by_id[take.package_id]
                package.used += take.amount
                self.changed[package.pk] = package
                self.deductions.append(
                    (package.pk, self.day, self.now, rate.label, take.usage, rate.ratio, take.amount)
                )
            deducted += len(takes)
            line_charge = money(uncovered * rates.PAY_AS_YOU_GO_PRICE[kind])
            charge += line_charge
            lines.append({
                "kind": kind, "item": item, "label": rate.label, "usage": str(quantity), "ratio": str(rate.ratio),
                "covered": str(need - uncovered), "uncovered": str(uncovered), "charge": str(line_charge),
            })
        if mode == BillingMode.DAILY_BANDWIDTH and traffic_gb:
            mbps = peak if peak is not None else rates.average_mbps(traffic_gb)
            price = rates.peak_bandwidth_price(mbps)
            line_charge = money(mbps * price)
            charge += line_charge
            lines.append({
                "kind": "peak_bandwidth", "label": rates.PEAK_LABEL, "peak_mbps": str(mbps), "price": str(price),
                "charge": str(line_charge), "billed_by": mode,
            })
        paid = min(account.cash_balance, charge)
        self.bills.append((account, _Bill(paid=paid, owed=charge - paid, row=(
            account.pk, self.day, self.now, deducted, charge, paid, charge - paid, lines,
        ))))

    def _renew_while_short(self, account, kind, need, slots, by_id, renewals) -> None:
        """Before the day's charge, buy the auto-renewing package's spec again while the type's
        packages cannot cover the need (at most MAX_RENEWALS_PER_TYPE_PER_DAY per type)."""
        while need > sum((s.remaining for s in slots), ZERO) and renewals[kind] < MAX_RENEWALS_PER_TYPE_PER_DAY:
            renewing = next((p for p in by_id.values() if p.kind == kind and p.auto_renew), None)
            if renewing is None:
                return
            renewals[kind] += 1
            renewed = renew_locked(
                account=account, renewing_id=renewing.pk, spec_id=renewing.spec_id, usage_date=self.day,
                attempt=renewals[kind], now=self.now,
            )
            if renewed is None:
                self.summary.renewal_failures += 1
                return
            self.summary.renewals += 1
            renewing.auto_renew = False
            # A renewal continues the package that ran out, so it pays for the day being billed.
            by_id[renewed.pk] = PackageRow.of(renewed, pays=True)
            slots.append(Slot(package_id=renewed.pk, remaining=renewed.total))

    def write(self) -> None:
        """Write the batch: a handful of statements however many accounts it holds.

        Each package's new `used` and each account's new cash balance were computed here in
        Decimal and are written as they are (never `used + SUM(...)` in SQL, which SQLite adds as
        binary floats); the pay-as-you-go charges go through the ledger as one insert of entries
        and one update of balances.
        """
        bulk_insert(Deduction, DEDUCTION_FIELDS, self.deductions)
        bulk_set(Package, "used", {pk: package.used for pk, package in self.changed.items()})
        bulk_insert(DailyBill, BILL_FIELDS, [bill.row for _, bill in self.bills])
        reference, memo = f"bill:{self.day.isoformat()}", Memo.pay_as_you_go(day=self.day)
        ledger_post_many(bucket=Bucket.CASH, at=self.now, postings=[
            Posting(account=account, amount=-bill.paid, kind=LedgerKind.PAY_AS_YOU_GO, reference=reference, memo=memo)
            for account, bill in self.bills
            if bill.paid
        ])
        # What cash could not pay is owed: posted to the owed bucket, never by driving cash negative.
        ledger_post_many(bucket=Bucket.OWED, at=self.now, postings=[
            Posting(account=account, amount=bill.owed, kind=LedgerKind.ARREARS, reference=reference, memo=memo)
            for account, bill in self.bills
            if bill.owed
        ])
        self.summary.accounts_billed += len(self.bills)
        self.summary.deductions += len(self.deductions)
        self.summary.pay_as_you_go += sum((b.paid + b.owed for _, b in self.bills), ZERO)
        self.summary.owed += sum((b.owed for _, b in self.bills), ZERO)


def stale_marks_clear(*, now: datetime) -> list[int]:
    """Clear every billing mark older than the longest batch (`stale_billing_marks`): left by a
    batch killed before its commit or its exception handler could clear it (SIGKILL, out of
    memory) and never rerun. Decided again under the account locks, so a batch that marks an
    account meanwhile keeps its fresh mark. Audited per account; returns the accounts cleared."""
    with transaction.atomic(durable=True):
        candidates = list(stale_billing_marks(now=now).values_list("pk", flat=True))
        account_ids_lock(candidates)
        stale = list(
            stale_billing_marks(now=now).filter(any_of("pk", candidates)).values_list("pk", "billing_started_at")
        )
        Account.objects.filter(any_of("pk", [pk for pk, _ in stale])).update(billing_started_at=None)
        for pk, started in stale:
            audit_record(
                actor=None, action=AuditAction.BILLING_MARK_CLEARED, obj=Account(pk=pk), account=Account(pk=pk),
                before={"billing_started_at": started}, after={"billing_started_at": None},
                note="Stale billing mark cleared (older than BILLING_BATCH_MAX_SECONDS).",
            )
    return [pk for pk, _ in stale]


def billing_window_open(*, account: Account) -> None:
    """Mark `account` as being billed by hand (the demo panel): refunds are refused as "billing
    in progress" until it closes, or until a billing run reaches the account and clears it."""
    _window_set(account=account, at=clock.now(), action=AuditAction.BILLING_WINDOW_OPENED)


def billing_window_close(*, account: Account) -> None:
    _window_set(account=account, at=None, action=AuditAction.BILLING_WINDOW_CLOSED)


def _window_set(*, account: Account, at: datetime | None, action: AuditAction) -> None:
    with transaction.atomic():
        locked = account_lock(account.pk)
        before = locked.billing_started_at
        locked.billing_started_at = at
        locked.save(update_fields=["billing_started_at"])
        audit_record(
            actor=None, action=action, obj=locked, account=locked,
            before={"billing_started_at": before}, after={"billing_started_at": at},
        )
    account.billing_started_at = at
