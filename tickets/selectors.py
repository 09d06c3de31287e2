"""Reads: who sees which tickets, and what the review desk shows beside a ticket."""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from console.accounts.models import Member, MemberRole
from console.core import clock
from console.core.audit import AuditAction
from console.core.models import AuditEntry
from console.packages.models import Package
from refunds import policy
from refunds import selectors as refund_selectors
from refunds.models import Refund
from tickets.models import Ticket
from tickets.transitions import Resolution


def tickets_visible_to(member: Member) -> QuerySet[Ticket]:
    """The account owner sees every ticket of the account; a sub-user sees the ones they raised."""
    tickets = Ticket.objects.filter(account=member.account)
    if member.role != MemberRole.OWNER:
        tickets = tickets.filter(raised_by=member.user)
    return tickets


# A ticket ID is a number the database's integer holds; longer digits are only searched in titles.
_TICKET_ID = re.compile(r"#?(\d{1,18})")


def ticket_list_for(member: Member, *, status: str = "", search: str = "") -> QuerySet[Ticket]:
    """The tickets `member` sees, most recently updated first; `status` keeps that status's, and
    `search` the ones whose title contains it or whose ID it is ("123" or "#123")."""
    tickets = tickets_visible_to(member).select_related("package").order_by("-updated_at", "-id")
    if status:
        tickets = tickets.filter(status=status)
    if search:
        matches = Q(title__icontains=search)
        if number := _TICKET_ID.fullmatch(search):
            matches |= Q(pk=int(number[1]))
        tickets = tickets.filter(matches)
    return tickets


def ticket_for(member: Member, ticket_id: int) -> Ticket:
    """The ticket if `member` may see it; otherwise 404, so other accounts' IDs reveal nothing."""
    return get_object_or_404(tickets_visible_to(member).select_related("package", "raised_by"), pk=ticket_id)


def conversation(ticket: Ticket):
    return ticket.messages.select_related("author")


def packages_for_ticket(member: Member) -> QuerySet[Package]:
    return Package.objects.filter(owner=member.account).select_related("spec").order_by("-purchased_at", "-id")


def audit_trail(ticket: Ticket) -> QuerySet[AuditEntry]:
    """Everything recorded about the ticket and about its package, newest first."""
    about = Q(object_type=Ticket._meta.label_lower, object_id=str(ticket.pk))
    if ticket.package_id:
        about |= Q(object_type=Package._meta.label_lower, object_id=str(ticket.package_id))
    return AuditEntry.objects.filter(about)


def ticket_refund_verdict(ticket: Ticket) -> policy.Verdict | None:
    """What the refund policy says today about the ticket's package, as staff would approve it."""
    if ticket.package is None:
        return None
    package = ticket.package
    return refund_selectors.refund_verdict(
        package,
        account_facts=refund_selectors.account_facts(package.owner, now=clock.now()),
        via=policy.Channel.TICKET,
    )


@dataclass(frozen=True)
class TicketOutcome:
    """What was decided: the package's refund (whoever made it, on this ticket or not), or the
    ticket's rejection as audited (who, when, the reason in its note)."""

    refund: Refund | None = None
    rejection: AuditEntry | None = None


def ticket_outcome(ticket: Ticket) -> TicketOutcome | None:
    """The decision the desk reports instead of the policy's would-refund verdict, or None while
    nothing is decided."""
    if ticket.package is not None and ticket.package.refunded_at is not None:
        refund = Refund.objects.select_related("requested_by", "payer").filter(package_id=ticket.package_id).first()
        if refund is not None:
            return TicketOutcome(refund=refund)
    if ticket.resolution == Resolution.REJECTED:
        rejection = (
            AuditEntry.objects.filter(
                object_type=Ticket._meta.label_lower, object_id=str(ticket.pk), action=AuditAction.TICKET_REJECTED
            )
            .order_by("-at", "-id")
            .first()
        )
        return TicketOutcome(rejection=rejection)
    return None
