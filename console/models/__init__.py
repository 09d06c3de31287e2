from .accounts import Account, AccountStatus, BillingMode, Member, MemberRole
from .audit import AuditEntry
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
    "Deduction",
    "DemoClock",
    "LedgerEntry",
    "LedgerKind",
    "Member",
    "MemberRole",
    "Package",
    "PackageKind",
    "PackageSource",
    "PackageSpec",
]
