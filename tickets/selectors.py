"""Reads: who sees which tickets, and what the review desk shows beside a ticket."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from console.accounts.models import Member, MemberRole
from console.core import clock
from console.core.audit import AuditAction
from console.core.models import AuditEntry
from console.packages.models import Package
from refunds import policy
from refunds import selectors as refund_selectors
from refunds.models import Refund
from tickets.models import Holiday, HolidayKind, SavedReply, ServiceLevel, Ticket, TicketRating
from tickets.service_levels import DueTimes, Target, WorkingCalendar, due_times
from tickets.transitions import ACTIVE, Resolution


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


# --- service levels ------------------------------------------------------------------------------


def working_calendar() -> WorkingCalendar:
    """Business hours in the billing zone, with the holidays and make-up working days staff keep."""
    days = list(Holiday.objects.values_list("day", "kind"))
    return WorkingCalendar(
        zone=clock.billing_zone(),
        holidays=frozenset(day for day, kind in days if kind == HolidayKind.HOLIDAY),
        makeup_workdays=frozenset(day for day, kind in days if kind == HolidayKind.MAKEUP_WORKDAY),
    )


def service_level_for(*, issue_type: str, priority: str) -> ServiceLevel | None:
    """The policy row for the issue type and priority, else the priority's fallback row."""
    rows = ServiceLevel.objects.filter(Q(issue_type=issue_type) | Q(issue_type=""), priority=priority)
    # The issue type's own row sorts before the blank fallback.
    return rows.order_by("-issue_type").first()


def service_level_target(level: ServiceLevel) -> Target:
    return Target(
        first_reply=timedelta(minutes=level.first_reply_minutes),
        resolution=timedelta(minutes=level.resolution_minutes),
        calendar=level.calendar,
    )


def due_times_for(
    *, level: ServiceLevel, submitted_at: datetime, working: WorkingCalendar | None = None,
    reopened_at: datetime | None = None,
) -> DueTimes:
    return due_times(
        submitted_at=submitted_at, target=service_level_target(level), working=working or working_calendar(),
        reopened_at=reopened_at,
    )


def reviewers() -> QuerySet:
    """Active staff who may review tickets (directly, through a group, or as superusers): who is
    told about an unassigned ticket."""
    permission = Permission.objects.filter(content_type__app_label="tickets", codename="review_ticket")
    return (
        get_user_model().objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
        .order_by("pk")
    )


def saved_replies() -> QuerySet[SavedReply]:
    return SavedReply.objects.filter(active=True)


# --- the desk's report ---------------------------------------------------------------------------

# Tickets by how long ago they were submitted: key -> (youngest, oldest or None). The queue's age
# filter and the report's open tickets by age.
AGE_BUCKETS = {
    "lt1d": (timedelta(0), timedelta(days=1)),
    "1to3d": (timedelta(days=1), timedelta(days=3)),
    "3to7d": (timedelta(days=3), timedelta(days=7)),
    "gt7d": (timedelta(days=7), None),
}
REPORT_WINDOWS = (7, 30)


@dataclass(frozen=True)
class WindowFigures:
    days: int
    first_reply_median: timedelta | None
    first_replies: int
    resolution_median: timedelta | None
    resolutions: int
    submitted: int
    breached: int
    rating_average: float | None
    ratings: int

    @property
    def breached_share(self) -> float | None:
        return self.breached / self.submitted if self.submitted else None


@dataclass(frozen=True)
class DeskReport:
    at: datetime
    open_by_age: dict[str, int]
    windows: list[WindowFigures]


def _breached(now: datetime) -> Q:
    """A ticket that missed a target: answered or resolved late, still owing past its due time, or
    closed by the customer after a due time passed with the reply or resolution still owed."""
    return (
        Q(first_replied_at__gt=F("first_reply_due_at"))
        | Q(resolved_at__gt=F("resolution_due_at"))
        | Q(next_due_at__lt=now)
        | Q(first_replied_at__isnull=True, closed_at__gt=F("first_reply_due_at"))
        | Q(resolved_at__isnull=True, closed_at__gt=F("resolution_due_at"))
    )


def _median(durations: QuerySet, count: int) -> timedelta | None:
    """The median of one annotated `took` duration over `count` rows: the middle one or two rows,
    read in order by the database (portable: SQLite has no percentile function)."""
    if not count:
        return None
    middle = list(durations.order_by("took").values_list("took", flat=True)[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, timedelta(0)) / len(middle)


def desk_report(*, now: datetime | None = None) -> DeskReport:
    """The review desk's figures: open tickets by age, and over the last 7 and 30 days the median
    first-reply and resolution times, the share of tickets that missed a target and satisfaction.
    A fixed number of aggregate queries whatever the number of tickets."""
    now = now or clock.now()
    buckets = {}
    for key, (youngest, oldest) in AGE_BUCKETS.items():
        within = Q(status__in=ACTIVE, created_at__lte=now - youngest)
        if oldest is not None:
            within &= Q(created_at__gt=now - oldest)
        buckets[key] = Count("pk", filter=within)
    open_by_age = Ticket.objects.aggregate(**buckets)

    duration = DurationField()
    windows = []
    for days in REPORT_WINDOWS:
        since = now - timedelta(days=days)
        counts = Ticket.objects.aggregate(
            first_replies=Count("pk", filter=Q(first_replied_at__gte=since, first_replied_at__lte=now)),
            resolutions=Count("pk", filter=Q(resolved_at__gte=since, resolved_at__lte=now)),
            submitted=Count("pk", filter=Q(created_at__gte=since, created_at__lte=now)),
            breached=Count("pk", filter=Q(created_at__gte=since, created_at__lte=now) & _breached(now)),
        )
        ratings = TicketRating.objects.filter(rated_at__gte=since, rated_at__lte=now).aggregate(
            average=Avg("score"), count=Count("pk")
        )
        first_reply = Ticket.objects.filter(first_replied_at__gte=since, first_replied_at__lte=now).annotate(
            took=ExpressionWrapper(F("first_replied_at") - F("created_at"), output_field=duration)
        )
        resolution = Ticket.objects.filter(resolved_at__gte=since, resolved_at__lte=now).annotate(
            took=ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=duration)
        )
        windows.append(WindowFigures(
            days=days,
            first_reply_median=_median(first_reply, counts["first_replies"]),
            first_replies=counts["first_replies"],
            resolution_median=_median(resolution, counts["resolutions"]),
            resolutions=counts["resolutions"],
            submitted=counts["submitted"],
            breached=counts["breached"],
            rating_average=float(ratings["average"]) if ratings["average"] is not None else None,
            ratings=ratings["count"],
        ))
    return DeskReport(at=now, open_by_age=open_by_age, windows=windows)
