from .accounts import Account, AccountStatus, BillingMode, Member, MemberRole
from .audit import AuditEntry
from .billing import DailyBill, Discount, Purchase, RenewalFailure, UsageRecord, Voucher
from .catalogue import PackageKind, PackageSpec
from .demo import DemoClock
from .ledger import Bucket, LedgerEntry, LedgerKind
from .packages import Deduction, Package, PackageSource

__all__ = [
    "Account",
    "AccountStatus",
    "AuditEntry",
    "BillingMode",
    "Bucket",
    "DailyBill",
    "Deduction",
    "DemoClock",
    "Discount",
    "LedgerEntry",
    "LedgerKind",
    "Member",
    "MemberRole",
    "Package",
    "PackageKind",
    "PackageSource",
    "PackageSpec",
    "Purchase",
    "RenewalFailure",
    "UsageRecord",
    "Voucher",
]
