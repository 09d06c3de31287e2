"""live 2018-08-01: DescribeLivePackageInfo, the account's CSS packages as Tencent answers them.

Units (the reference's): traffic packages in bytes, with 1 GB = 1000^3 bytes (decimal, as the
console's 1 TB = 1,000 GB); transcoding packages in minutes; co-anchoring packages in hours (the
console keeps minutes: divided by 60). `Total` is rounded down and `Used` up to whole units, and
`Left` = Total - Used, so a package never claims more left than it has. Times are in the billing
time zone (`BILLING_TIME_ZONE`, Beijing time by default, as Tencent's) as `YYYY-MM-DD HH:MM:SS`.

Choices where Tencent's documentation leaves the behaviour open:
- `OrderBy` defaults to `BuyTimeDesc`; ties are broken by the package's creation order.
- Without both `PageNum` and `PageSize` every package of the type is answered, with `PageNum` 1,
  `PageSize` the number answered and `TotalPage` 1 (0 when there is none). A `PageSize` outside
  10 to 100 or a `PageNum` below 1 is refused whenever it is sent; so is a `PageNum` whose first
  row lies beyond a signed 64-bit offset (`PAGE_NUM_MAX`), where both databases' OFFSET ends. A
  page past the last is answered empty without asking the database for it.
- `PackageBillMode`: for traffic packages the account's CSS billing mode in force now, not a
  change still pending (204 daily traffic, 203 daily peak bandwidth, 201 monthly bandwidth, which
  the monthly 95th percentile is; Tencent's API reference gives 202 to monthly traffic); for
  transcoding and co-anchoring packages 205 (daily duration), as they are deducted by the minute
  each day. `FluxPackageBillMode` gives the same mode four times, for LVB Chinese mainland, LVB
  outside the mainland, LEB Chinese mainland and LEB outside (an account's one mode covers them
  all here), and is empty for the other package types.
- `WillRenew` is 1 when the package will auto-renew, else 0. `RenewalResult` is 1 when the
  package was renewed (its spec bought again by the daily billing), -1 when a renewal failed and
  it is still marked to renew, else 0.
- Mobile live licences are not packages of any `PackageType` and are never listed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.models import BooleanField, IntegerField, TextField
from django.utils.translation import gettext

from console.accounts.models import BillingMode
from console.api.caller import Caller
from console.api.errors import ApiError, ErrorCode
from console.core import clock
from console.core.sql import column_converters, row_converted, written_once
from console.packages.models import Package, PackageKind, RenewalFailure
from console.packages.selectors import packages_for_account
from console.packages.status import PackageStatus, status_of

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BYTES_PER_GB = 1000**3
MINUTES_PER_HOUR = 60

KINDS_BY_PACKAGE_TYPE: dict[int, tuple[str, ...]] = {
    0: (PackageKind.TRAFFIC,),
    1: (PackageKind.TRANSCODE_STANDARD, PackageKind.TRANSCODE_TSC),
    2: (PackageKind.CO_ANCHORING,),
}
TYPE_CODES = {
    PackageKind.TRAFFIC: 0,
    PackageKind.TRANSCODE_STANDARD: 1,
    PackageKind.TRANSCODE_TSC: 2,
    PackageKind.CO_ANCHORING: 3,
}
STATUS_CODES = {
    PackageStatus.UNUSED: 0,
    PackageStatus.IN_USE: 1,
    PackageStatus.EXPIRED: 2,
    PackageStatus.FROZEN: 3,
    PackageStatus.EXHAUSTED: 4,
    PackageStatus.REFUNDED: 5,
    # Tencent documents no code for a package reclaimed by a repossession: the nearest it has is
    # "frozen" (present, not usable), rather than a number its SDK's callers never expect.
    PackageStatus.RECLAIMED: 3,
}
ORDERINGS = {
    "BuyTimeDesc": ("-purchased_at", "-id"),
    "BuyTimeAsc": ("purchased_at", "id"),
    "ExpireTimeDesc": ("-expires_at", "-id"),
    "ExpireTimeAsc": ("expires_at", "id"),
}
DEFAULT_ORDER = "BuyTimeDesc"
EXPIRY_ORDERS = frozenset({"ExpireTimeDesc", "ExpireTimeAsc"})
CO_ANCHORING_TYPE = 2
PAGE_SIZE_MIN, PAGE_SIZE_MAX = 10, 100
PAGE_NUM_MAX = (2**63 - 1) // PAGE_SIZE_MAX  # (PageNum - 1) x PageSize stays a 64-bit offset

TRAFFIC_BILL_MODES = {
    BillingMode.DAILY_TRAFFIC: 204,
    BillingMode.DAILY_BANDWIDTH: 203,
    BillingMode.MONTHLY_PEAK_BANDWIDTH: 201,
}
DURATION_BILL_MODE = 205
NO_BILL_MODE = -1


# What one entry reads, in this order (`_package_info` unpacks it): BuyTime and ExpireTime already
# written in the billing zone, and whether the package has expired, as the statement answers them.
PACKAGE_INFO_COLUMNS = (
    "code", "kind", "total", "used", "buy_time", "expire_time", "expired", "refunded", "reclaimed", "auto_renew",
    "was_renewed", "renewal_failed", "total_num",
)
TIME_COLUMNS = slice(PACKAGE_INFO_COLUMNS.index("buy_time"), PACKAGE_INFO_COLUMNS.index("expire_time") + 1)


def describe_live_package_info(caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    package_type = params["PackageType"]
    if package_type not in KINDS_BY_PACKAGE_TYPE:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `PackageType` must be 0 (traffic), 1 (transcoding) or 2 (co-anchoring)."),
        )
    order_by = params.get("OrderBy", DEFAULT_ORDER)
    if order_by not in ORDERINGS:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `OrderBy` must be one of %(orderings)s.") % {"orderings": ", ".join(ORDERINGS)},
        )
    if package_type == CO_ANCHORING_TYPE and order_by in EXPIRY_ORDERS:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("Co-anchoring packages (PackageType 2) cannot be ordered by expiry time."),
        )
    page_num, page_size = params.get("PageNum"), params.get("PageSize")
    if page_size is not None and not PAGE_SIZE_MIN <= page_size <= PAGE_SIZE_MAX:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `PageSize` must be between %(min)s and %(max)s.") % {"min": PAGE_SIZE_MIN, "max": PAGE_SIZE_MAX},
        )
    if page_num is not None and not 1 <= page_num <= PAGE_NUM_MAX:
        raise ApiError(
            ErrorCode.INVALID_PARAMETER_VALUE,
            gettext("The parameter `PageNum` must be between 1 and %(max)s.") % {"max": PAGE_NUM_MAX},
        )

    account = caller.account
    kinds = KINDS_BY_PACKAGE_TYPE[package_type]
    db = router.db_for_read(Package)
    connection = connections[db]
    listing = written_once(_PackageList, connection)
    now = clock.now()
    zone = clock.billing_zone()
    if page_num is not None and page_size is not None:
        start = (page_num - 1) * page_size
        page = listing.rows(
            connection, account_id=account.pk, kinds=kinds, order_by=order_by, now=now, zone=zone, limit=page_size, offset=start
        )
        # A page past the last has no row to carry the total: counted alone (only then).
        if page:
            total_num = page[0][-1]
        else:
            total_num = packages_for_account(account).filter(kind__in=kinds).count() if start else 0
        total_page = math.ceil(total_num / page_size)
    else:
        page = listing.rows(connection, account_id=account.pk, kinds=kinds, order_by=order_by, now=now, zone=zone)
        total_num = len(page)
        page_num, page_size = 1, total_num
        total_page = 1 if total_num else 0

    # The mode in force today (a change still pending does not count yet).
    billing_mode = account.billing_mode_at(now)
    traffic_mode = TRAFFIC_BILL_MODES.get(billing_mode, NO_BILL_MODE)
    return {
        "LivePackageInfoList": [_package_info(row, billing_mode=billing_mode) for row in page],
        "PackageBillMode": traffic_mode if package_type == 0 else DURATION_BILL_MODE,
        "TotalPage": total_page,
        "TotalNum": total_num,
        "PageNum": page_num,
        "PageSize": page_size,
        "FluxPackageBillMode": ",".join([str(traffic_mode)] * 4) if package_type == 0 else "",
    }


class _PackageList:
    """An account's packages of some kinds, in one statement written once per connection (the ORM
    compiling the same query on every call cost more than running it; `console.core.sql`):
    `PACKAGE_INFO_COLUMNS` of each, only what an entry reads, RenewalResult's facts as two EXISTS
    (the daily billing renewed it: a package it bought links back, `renewed_from`; or it failed
    to: a RenewalFailure row), and TotalNum as a window over every row the filter keeps (counted
    before LIMIT and OFFSET).

    PostgreSQL writes the two times in the billing zone itself (`to_char`), and every database
    answers whether the package has expired (`is_expired`'s rule: at its expiry instant): reading
    200 timestamps through Django's psycopg loaders and formatting them in Python took a quarter
    of a 100-package call (docs/benchmarks.md). SQLite, which keeps times as UTC text and has no
    zone database, has them converted and written here. tests/api/test_package_list_statement.py
    holds the statement to the queryset it replaces."""

    def __init__(self, connection):
        quote = connection.ops.quote_name

        def column(model, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        packages, failures = quote(Package._meta.db_table), quote(RenewalFailure._meta.db_table)
        self.zone_in_database = connection.vendor == "postgresql"
        times = [Package._meta.get_field("purchased_at"), Package._meta.get_field("expires_at")]
        if self.zone_in_database:
            written = [f"to_char(p.{quote(field.column)} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')" for field in times]
            time_converters = [("", TextField()), ("", TextField())]
        else:
            written = [f"p.{quote(field.column)}" for field in times]
            time_converters = [("p", field) for field in times]
        plain = [Package._meta.get_field(name) for name in ("code", "kind", "total", "used")]
        self.converters = column_converters(
            connection,
            [("p", field) for field in plain] + time_converters
            + [("", BooleanField()) for _ in range(3)] + [("p", Package._meta.get_field("auto_renew"))]
            + [("", BooleanField()), ("", BooleanField()), ("", IntegerField())],
        )
        self.converted = any(functions for _, functions in self.converters)
        pk = column(Package, "id")
        self.select = (
            "SELECT " + ", ".join(f"p.{quote(field.column)}" for field in plain) + ", " + ", ".join(written)
            + f", p.{column(Package, 'expires_at')} <= %s"
            + f", p.{column(Package, 'refunded_at')} IS NOT NULL, p.{column(Package, 'reclaimed_at')} IS NOT NULL"
            + f", p.{column(Package, 'auto_renew')}"
            + f", EXISTS(SELECT 1 FROM {packages} r WHERE r.{column(Package, 'renewed_from')} = p.{pk})"
            + f", EXISTS(SELECT 1 FROM {failures} f WHERE f.{column(RenewalFailure, 'package')} = p.{pk})"
            + f", COUNT(*) OVER () FROM {packages} p WHERE p.{column(Package, 'owner')} = %s AND p.{column(Package, 'kind')} IN "
        )
        self.orderings = {
            name: " ORDER BY " + ", ".join(
                f"p.{column(Package, field.lstrip('-'))} {'DESC' if field.startswith('-') else 'ASC'}" for field in fields_order
            )
            for name, fields_order in ORDERINGS.items()
        }

    def rows(
        self, connection, *, account_id: int, kinds: tuple[str, ...], order_by: str, now: datetime, zone: tzinfo,
        limit: int | None = None, offset: int = 0,
    ) -> list:
        sql = self.select + "(" + ", ".join(["%s"] * len(kinds)) + ")" + self.orderings[order_by]
        zone_params = [zone.key, zone.key] if self.zone_in_database else []
        params = [*zone_params, connection.ops.adapt_datetimefield_value(now), account_id, *kinds]
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if not self.converted:
            return fetched
        rows = [row_converted(row, self.converters, connection) for row in fetched]
        if not self.zone_in_database:
            for row in rows:
                row[TIME_COLUMNS] = [moment.astimezone(zone).strftime(TIME_FORMAT) for moment in row[TIME_COLUMNS]]
        return rows


def _package_info(row: Sequence, *, billing_mode: str) -> dict[str, Any]:
    # `kind` stays the stored string: PackageKind's members are str, and equal to it.
    code, kind, total, used, buy_time, expire_time, expired, refunded, reclaimed, auto_renew, was_renewed, renewal_failed, _ = row
    total_units, used_units = quantities_in_api_units(kind, total, used)
    status = status_of(
        refunded=refunded, reclaimed=reclaimed, expired=expired, total=total, used=used, kind=kind, billing_mode=billing_mode,
    )
    return {
        "Id": code,
        "Total": total_units,
        "Used": used_units,
        "Left": max(total_units - used_units, 0),
        "BuyTime": buy_time,
        "ExpireTime": expire_time,
        "Type": TYPE_CODES[kind],
        "Status": STATUS_CODES[status],
        "WillRenew": 1 if auto_renew else 0,
        "RenewalResult": renewal_result(was_renewed=was_renewed, renewal_failed=renewal_failed, auto_renew=auto_renew),
    }


def quantities_in_api_units(kind: str, total: Decimal, used: Decimal) -> tuple[int, int]:
    """(Total, Used): bytes for traffic, minutes for transcoding, hours for co-anchoring; Total
    rounded down and Used up (exact Decimal arithmetic, then `math.floor` and `math.ceil`)."""
    if kind == PackageKind.TRAFFIC:
        total, used = total * BYTES_PER_GB, used * BYTES_PER_GB
    elif kind == PackageKind.CO_ANCHORING:
        total, used = total / MINUTES_PER_HOUR, used / MINUTES_PER_HOUR
    return math.floor(total), math.ceil(used)


def renewal_result(*, was_renewed: bool, renewal_failed: bool, auto_renew: bool) -> int:
    """RenewalResult: 1 renewed, -1 renewal failed (and still set to renew), 0 not yet."""
    if was_renewed:
        return 1
    if renewal_failed and auto_renew:
        return -1
    return 0
