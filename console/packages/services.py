"""Writes to packages that move no money: auto-renewal settings, giveaways and reclaiming."""

import secrets
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from console.accounts.models import Account, Member
from console.accounts.permissions import MemberAction, member_require
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.bulk import any_of
from console.core.errors import Conflict
from console.packages.locks import account_lock, package_ids_lock, packages_lock
from console.packages.models import VALIDITY, Package, PackageSource, PackageSpec
from console.packages.selectors import PackageNotFound


class AutoRenewRefused(Conflict):
    code = "auto_renew_refused"


def package_code_new() -> str:
    return f"lvpkg-{secrets.token_hex(6)}"


def package_expiry(purchased_at: datetime) -> datetime:
    return purchased_at + VALIDITY


def package_auto_renew_set(*, package_id: int, member: Member, enabled: bool) -> Package:
    """Turn auto-renewal on or off for one of the member's account's packages.

    Turning it on turns it off on the account's other packages of the same type: the real
    console renews one package per type.
    """
    member_require(member, MemberAction.CHANGE_AUTO_RENEW)
    account = member.account
    with transaction.atomic():
        account_lock(account.pk)
        locked = packages_lock(Package.objects.filter(pk=package_id, owner=account))
        if not locked:
            raise PackageNotFound()
        package = locked[0]
        if enabled and package.is_refunded:
            raise AutoRenewRefused(_("A refunded package cannot renew."))
        if enabled and package.is_reclaimed:
            raise AutoRenewRefused(_("A reclaimed package cannot renew."))
        others = []
        if enabled:
            others = [
                other.pk
                for other in packages_lock(
                    Package.objects.filter(owner=account, kind=package.kind, auto_renew=True).exclude(pk=package.pk)
                )
            ]
            Package.objects.filter(pk__in=others).update(auto_renew=False)
        before = package.auto_renew
        package.auto_renew = enabled
        package.save(update_fields=["auto_renew"])
        audit_record(
            actor=member.user, action=AuditAction.PACKAGE_AUTO_RENEW_SET, obj=package, account=account,
            before={"auto_renew": before}, after={"auto_renew": enabled, "turned_off_on": others},
        )
    return package


def packages_reclaim_locked(
    *, account: Account, at: datetime, actor: AbstractBaseUser | None = None, cause: str = ""
) -> list[str]:
    """Reclaim what is left of `account`'s packages as of `at` (its repossession for overdue
    payment): each package it owns that is not refunded, not used up, not expired at `at` and not
    reclaimed already gets `reclaimed_at = at` (and stops renewing), in one set-based UPDATE, and
    the account's trail gets one entry listing them. The caller holds the account row locked in
    its transaction (console.billing.arrears); the packages are locked after it, in the lock
    order. Idempotent: a second call finds nothing left to reclaim and writes nothing. Returns the
    codes of the packages reclaimed."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("packages_reclaim_locked must run inside transaction.atomic()")
    remaining = Package.objects.filter(
        owner=account, refunded_at__isnull=True, reclaimed_at__isnull=True, expires_at__gt=at, used__lt=F("total")
    )
    ids = package_ids_lock(remaining)
    if not ids:
        return []
    reclaimed = Package.objects.filter(any_of("pk", ids))
    rows = list(reclaimed.order_by("pk").values_list("code", "auto_renew"))
    reclaimed.update(reclaimed_at=at, auto_renew=False)
    codes = [code for code, _renews in rows]
    audit_record(
        actor=actor, action=AuditAction.PACKAGES_RECLAIMED, obj=account, account=account,
        before={"auto_renew": [code for code, renews in rows if renews]},
        after={"reclaimed": codes, "reclaimed_at": at},
        note=cause,
    )
    return codes


def giveaway_grant(*, account: Account, spec: PackageSpec, actor: AbstractBaseUser, note: str = "") -> Package:
    """Staff give a package away: nothing is paid, it cannot be refunded, and it is audited."""
    with transaction.atomic():
        locked = account_lock(account.pk)
        now = clock.now()
        package = Package.objects.create(
            code=package_code_new(), owner=locked, payer=locked, spec=spec, kind=spec.kind,
            source=PackageSource.GIVEAWAY, total=spec.size, purchased_at=now, expires_at=package_expiry(now),
            list_price=Decimal("0"),
        )
        audit_record(
            actor=actor, action=AuditAction.PACKAGE_GIVEAWAY_GRANTED, obj=package, account=locked,
            after={"spec": str(spec), "source": PackageSource.GIVEAWAY}, note=note,
        )
    return package
