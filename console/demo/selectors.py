"""Reads for the presenter panel."""

from datetime import UTC, datetime, time

from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.urls import Resolver404, resolve

from console.accounts.models import Account, Member
from console.core import clock
from console.packages.models import Package, PackageSource
from refunds.policy import REFUND_WINDOW, SELF_SERVICE_KINDS
from tickets.models import Attachment
from tickets.selectors import tickets_visible_to


def deadline_choices(account: Account, *, now: datetime | None = None) -> QuerySet[Package]:
    """The account's self-service packages whose refund deadline is still ahead, newest first,
    with their spec: one query. Older ones are left out: jumping to their deadline would move the
    clock back, a year for a package bought a year ago. So are giveaways and used packages, which
    the policy never refunds, whatever the clock says: their deadline shows nothing."""
    now = now or clock.now()
    zone = clock.billing_zone()
    # The deadline is the end of the local day of purchase + the window (refunds.policy
    # .refund_deadline): it is ahead exactly when purchase + window falls on today or later.
    today_starts = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    bought_since = today_starts.astimezone(UTC) - REFUND_WINDOW
    return (
        Package.objects.filter(owner=account, kind__in=SELF_SERVICE_KINDS, refunded_at__isnull=True,
                               purchased_at__gte=bought_since, used=0)
        .exclude(source=PackageSource.GIVEAWAY)
        .select_related("spec")
        .order_by("-purchased_at", "-id")
    )


def page_visible_to(member: Member, url: str) -> bool:
    """Whether `member` may open the console page at `url` (a local path), so that switching
    persona or resetting can stay on it instead of landing on a 404."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    if match.view_name == "package_detail":
        return Package.objects.filter(owner=member.account, code=match.kwargs["code"]).exists()
    if match.view_name in ("refund_dialog", "refund_confirm"):
        return Package.objects.filter(owner=member.account, pk=match.kwargs["package_id"]).exists()
    if match.view_name in ("tickets:detail", "tickets:reply", "tickets:close", "tickets:reopen"):
        return tickets_visible_to(member).filter(pk=match.kwargs["pk"]).exists()
    if match.view_name == "tickets:attachment":
        return Attachment.objects.filter(pk=match.kwargs["pk"], ticket__in=tickets_visible_to(member)).exists()
    # Any other page that names an object cannot be checked here: start over on the packages.
    return not match.kwargs
