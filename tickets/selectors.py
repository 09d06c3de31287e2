"""Reads: who sees which tickets, and what the review desk shows beside a ticket."""

import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from console.accounts.models import Member, MemberRole
from console.core import clock
from console.core.models import AuditEntry
from console.packages.models import Package
from refunds import policy
from refunds import selectors as refund_selectors
from tickets.models import Ticket


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
