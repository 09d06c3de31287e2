"""Usage records: what the accounts streamed and transcoded each day."""

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from console.billing import rates
from console.billing.models import METERED_KINDS, DailyPeak, UsageRecord
from console.packages.models import Package

# A day's traffic as a share of the account's traffic packages: most days eat 0.2-3%, so a
# package lasts weeks to months, as in the demo's story.
DAILY_SHARE = (Decimal("0.002"), Decimal("0.03"))
OVERSEAS_ITEMS = ["lvb:ap1", "lvb:na_eu", "lvb:ap2", "upstream:na_eu", "leb:ap1"]


def usage_simulate(*, day: date) -> int:
    """Write plausible usage on `day` for every account that has metered packages, and the day's
    peak bandwidth (what a day billed by daily peak bandwidth is charged from).

    Idempotent per account and day: accounts that already have usage on `day` are left as they
    are. The numbers are drawn from a generator seeded by the account and the day, so a rerun on
    a fresh database gives the same figures. Returns the number of records written.
    """
    sizes: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for owner_id, kind, left in (
        Package.objects.filter(kind__in=METERED_KINDS, refunded_at__isnull=True, reclaimed_at__isnull=True)
        .values("owner_id", "kind")
        .annotate(left=Sum(F("total") - F("used")))
        .values_list("owner_id", "kind", "left")
        .order_by("owner_id", "kind")
    ):
        sizes[owner_id][kind] = left
    done = set(UsageRecord.objects.filter(day=day).values_list("account_id", flat=True).distinct())
    records, peaks = [], []
    for account_id, by_kind in sizes.items():
        if account_id in done:
            continue
        usage = simulated_usage(account_id=account_id, day=day, left_by_kind=by_kind)
        records += [
            UsageRecord(account_id=account_id, day=day, package_kind=kind, item=item, quantity=quantity)
            for kind, item, quantity in usage
        ]
        traffic = sum((quantity for kind, _item, quantity in usage if kind == "traffic"), Decimal(0))
        peaks.append(DailyPeak(account_id=account_id, day=day, mbps=simulated_peak(account_id=account_id, day=day, traffic_gb=traffic)))
    UsageRecord.objects.bulk_create(records, batch_size=2000)
    # A peak written before its usage (by hand, or a run that died between the two) is kept.
    DailyPeak.objects.bulk_create(peaks, batch_size=2000, ignore_conflicts=True)
    return len(records)


def simulated_peak(*, account_id: int, day: date, traffic_gb: Decimal) -> Decimal:
    """The day's peak bandwidth: its average rate times a peak factor of 2.5 to 4 (evening peaks)."""
    rng = random.Random(f"peak:{account_id}:{day.isoformat()}")
    factor = Decimal(str(round(rng.uniform(2.5, 4.0), 2)))
    return _q(rates.average_mbps(traffic_gb) * factor)


def simulated_usage(*, account_id: int, day: date, left_by_kind: dict[str, Decimal]) -> list[tuple[str, str, Decimal]]:
    """One account's day: mostly mainland LVB, some overseas and LEB, transcoding if it has packages."""
    rng = random.Random(f"{account_id}:{day.isoformat()}")
    share = Decimal(str(rng.uniform(float(DAILY_SHARE[0]), float(DAILY_SHARE[1]))))
    rows: list[tuple[str, str, Decimal]] = []
    # Accounts whose packages of a type are used up still stream: size their day as a small package.
    traffic = max((left_by_kind.get("traffic") or Decimal("200")) * share, Decimal("1"))
    rows.append(("traffic", "lvb:mainland", _q(traffic * Decimal("0.8"))))
    rows.append(("traffic", "leb:mainland", _q(traffic * Decimal("0.05"))))
    rows.append(("traffic", rng.choice(OVERSEAS_ITEMS), _q(traffic * Decimal("0.1"))))
    for kind in ("transcode_standard", "transcode_tsc"):
        if kind in left_by_kind:
            minutes = max((left_by_kind[kind] or Decimal("6000")) * share, Decimal("10"))
            rows.append((kind, "h264:720p", _q(minutes * Decimal("0.3"))))
            rows.append((kind, rng.choice(["h264:480p", "h264:1080p", "h265:720p"]), _q(minutes * Decimal("0.2"))))
    # Items drawn twice on one day are merged: one record per item and day.
    merged: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for kind, item, quantity in rows:
        merged[(kind, item)] += quantity
    return [(kind, item, q) for (kind, item), q in merged.items() if q > 0]


def _q(value: Decimal) -> Decimal:
    return value.quantize(rates.QUANTITY_STEP)
