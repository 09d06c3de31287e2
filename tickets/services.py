"""Writes for tickets: submit, the conversation, status changes and the staff decisions.

Every status change goes through `_status_change`, which asks `tickets.transitions.check`.
Customer-side services take the `Member` and find the ticket among the ones that member may see;
staff-side services take the staff user and ask console.accounts.permissions, so the rules hold
whichever view or admin action calls them.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Member
from console.accounts.permissions import (
    MemberAction,
    member_may,
    staff_require_approve,
    staff_require_review,
)
from console.accounts.preferences import user_language
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import Conflict, IdempotencyKeyReused, InvalidRequest, NotFound, PermissionRefused
from console.notifications.models import ReminderKind
from console.notifications.services import account_notify, mail_queue
from console.templatetags.console_format import zoned
from console.packages.models import Package
from refunds.policy import Channel
from refunds.services import RefundRefused, RefundRequest, RefundResult, package_refund_within
from tickets import transitions
from tickets.catalogue import PRODUCT_BY_CODE
from tickets import selectors
from tickets.models import Attachment, ServiceLevel, Ticket, TicketMessage, TicketRating
from tickets.selectors import tickets_visible_to
from tickets.service_levels import DueTimes, Priority
from tickets.transitions import ACTIVE, Resolution, Status


class TicketNotFound(NotFound):
    """Not a ticket this member may see."""

    code = "ticket_not_found"
    default_message = gettext_lazy("No such ticket in this account.")


class TicketActionRefused(Conflict):
    """The action is not allowed in the ticket's current state; the message is for people."""

    code = "ticket_action_refused"


class RatingRefused(Conflict):
    """The ticket cannot be rated (any more): only a resolved ticket, while it can be reopened."""

    code = "rating_not_open"
    default_message = gettext_lazy(
        "A ticket can be rated once it is resolved, while it can still be reopened. Submit a new ticket if you need help."
    )


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str


def ticket_submit(
    *,
    member: Member,
    product: str,
    issue_type: str,
    title: str,
    description: str,
    package: Package | None,
    contact_email: str,
    contact_phone: str,
    contact_time: str,
    attachments: list[CheckedUpload],
    submission_key: uuid.UUID,
    priority: str = Priority.NORMAL,
) -> Ticket:
    """Open a ticket for the member's account. The same submission key returns the first ticket."""
    if product not in PRODUCT_BY_CODE or PRODUCT_BY_CODE[product].issue_type(issue_type) is None:
        raise InvalidRequest(_("Choose a product and an issue type from the list."), field="product")
    if package is not None and package.owner_id != member.account_id:
        raise InvalidRequest(_("Choose one of your account's packages."), field="package")
    if len(attachments) > settings.TICKET_ATTACHMENT_MAX_COUNT:
        raise InvalidRequest(
            _("Attach at most %(count)s files.") % {"count": settings.TICKET_ATTACHMENT_MAX_COUNT}, field="attachments"
        )
    if priority not in Priority.values:
        raise InvalidRequest(_("Choose an urgency from the list."), field="priority")
    existing = _submitted_with(submission_key, member)
    if existing is not None:
        return existing
    now = clock.now()
    level = selectors.service_level_for(issue_type=issue_type, priority=priority)
    due = selectors.due_times_for(level=level, submitted_at=now) if level is not None else None
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                account=member.account, raised_by=member.user, submission_key=submission_key,
                product=product, issue_type=issue_type, title=title, description=description,
                package=package, contact_email=contact_email, contact_phone=contact_phone,
                contact_time=contact_time, status=Status.OPEN, created_at=now, updated_at=now,
                priority=priority, service_level=level,
                first_reply_due_at=due.first_reply if due else None, resolution_due_at=due.resolution if due else None,
            )
            for upload in attachments:
                Attachment.objects.create(
                    ticket=ticket, file=upload.file, original_name=upload.file.name[:200],
                    content_type=upload.content_type, size=upload.file.size, uploaded_at=now,
                )
            audit_record(
                actor=member.user, action=AuditAction.TICKET_SUBMITTED, obj=ticket, account=member.account,
                after={"status": ticket.status, "product": product, "issue_type": issue_type,
                       "package": package.code if package else None, "attachments": len(attachments),
                       "priority": priority, "first_reply_due_at": ticket.first_reply_due_at,
                       "resolution_due_at": ticket.resolution_due_at},
            )
            with _customer_language(ticket):
                received = _("We received your ticket #%(pk)s and will reply here and in My tickets.") % {"pk": ticket.pk}
                if ticket.first_reply_due_at is not None:
                    received += " " + _("We will reply by %(at)s.") % {"at": zoned(ticket.first_reply_due_at)}
                _notify_after_commit(
                    ticket, subject=_("Ticket #%(pk)s received: %(title)s") % {"pk": ticket.pk, "title": ticket.title},
                    body=received,
                )
    except IntegrityError:
        # Two submissions with this key raced past the lookup above; the first one won.
        existing = _submitted_with(submission_key, member)
        if existing is None:
            raise
        return existing
    return ticket


def _submitted_with(submission_key: uuid.UUID, member: Member) -> Ticket | None:
    """The ticket this member already submitted with this key; IdempotencyKeyReused (409) when
    someone else did (the key is unique across all tickets)."""
    existing = Ticket.objects.filter(submission_key=submission_key).first()
    if existing is not None and existing.raised_by_id != member.user.pk:
        raise IdempotencyKeyReused(
            _("This form was already submitted by someone else. Reload the page and submit again."),
            field="submission_key",
        )
    return existing


def ticket_reply(*, ticket_id: int, member: Member, body: str) -> TicketMessage:
    """A customer's reply. It puts an awaiting ticket back in the queue and reopens a resolved one."""
    with transaction.atomic():
        ticket = _locked_for_member(ticket_id, member)
        now = clock.now()
        if ticket.status in (Status.AWAITING_CUSTOMER, Status.RESOLVED):
            _status_change(ticket, to=Status.PROCESSING, actor=member.user, now=now)
        elif ticket.status == Status.CLOSED:
            raise TicketActionRefused(_("This ticket is closed. Submit a new ticket if you still need help."))
        return _add_message(ticket, author=member.user, body=body, from_staff=False, now=now)


def ticket_close(*, ticket_id: int, member: Member) -> Ticket:
    with transaction.atomic():
        ticket = _locked_for_member(ticket_id, member)
        _status_change(ticket, to=Status.CLOSED, actor=member.user, now=clock.now())
        return ticket


def ticket_reopen(*, ticket_id: int, member: Member) -> Ticket:
    with transaction.atomic():
        ticket = _locked_for_member(ticket_id, member)
        if ticket.status != Status.RESOLVED:
            raise TicketActionRefused(_("Only a resolved ticket can be reopened."))
        _status_change(ticket, to=Status.PROCESSING, actor=member.user, now=clock.now())
        return ticket


def ticket_assign(*, ticket_id: int, staff: AbstractBaseUser) -> Ticket:
    """Assign the ticket to `staff`; an open ticket starts processing."""
    staff_require_review(staff)
    with transaction.atomic():
        ticket = _locked(ticket_id)
        if ticket.status == Status.CLOSED:
            raise TicketActionRefused(_("This ticket is closed."))
        now = clock.now()
        before = ticket.assignee_id
        ticket.assignee = staff
        ticket.updated_at = now
        ticket.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=staff, action=AuditAction.TICKET_ASSIGNED, obj=ticket, account=ticket.account,
            before={"assignee_id": before}, after={"assignee_id": staff.pk},
        )
        if ticket.status == Status.OPEN:
            _status_change(ticket, to=Status.PROCESSING, actor=staff, now=now)
        return ticket


def ticket_staff_reply(*, ticket_id: int, staff: AbstractBaseUser, body: str) -> TicketMessage:
    """Staff answer; an open or processing ticket then waits for the customer."""
    staff_require_review(staff)
    with transaction.atomic():
        ticket = _locked(ticket_id)
        now = clock.now()
        if ticket.status == Status.CLOSED:
            raise TicketActionRefused(_("This ticket is closed."))
        if ticket.status in (Status.OPEN, Status.PROCESSING):
            _status_change(ticket, to=Status.AWAITING_CUSTOMER, actor=staff, now=now)
        message = _add_message(ticket, author=staff, body=body, from_staff=True, now=now)
        with _customer_language(ticket):
            _notify_after_commit(ticket, subject=_("New reply on ticket #%(pk)s") % {"pk": ticket.pk}, body=body)
    return message


def ticket_reject(*, ticket_id: int, staff: AbstractBaseUser, reason: str) -> Ticket:
    """Decline the request with a reason the customer reads; the ticket is resolved."""
    staff_require_review(staff)
    if not reason.strip():
        raise TicketActionRefused(_("Write the reason the customer will read."))
    with transaction.atomic():
        ticket = _locked(ticket_id)
        now = clock.now()
        _status_change(ticket, to=Status.RESOLVED, actor=staff, now=now, note=reason, resolution=Resolution.REJECTED)
        # The conversation and the mail speak to the customer, in the customer's language.
        with _customer_language(ticket):
            subject, body = _rejection_text(ticket, reason)
        outcome = _add_message(ticket, author=staff, body=body, from_staff=True, now=now)
        audit_record(actor=staff, action=AuditAction.TICKET_REJECTED, obj=ticket, account=ticket.account, note=reason)
        with _customer_language(ticket):
            _notify_after_commit(ticket, subject=subject, body=body)
        _outcome_notify(ticket, outcome, write=lambda: _rejection_text(ticket, reason))
    return ticket


def _rejection_text(ticket: Ticket, reason: str) -> tuple[str, str]:
    """The rejection's subject and body in the active language."""
    body = _("We could not approve this request.") + f"\n\n{reason.strip()}"
    return _("Ticket #%(pk)s resolved") % {"pk": ticket.pk}, body


def ticket_refund_approve(*, ticket_id: int, staff: AbstractBaseUser, note: str = "") -> RefundResult:
    """Refund the ticket's package through the one refund service, then resolve the ticket.

    The refund policy still decides: a refusal raises RefundRefused with every reason and
    changes nothing but the audit trail. A written `note` overrules only a suspicion of abuse.
    A top-level action: the refund and the ticket's resolution commit together, in a durable
    transaction no caller can wrap, or not at all.
    """
    ticket = Ticket.objects.select_related("package__owner", "raised_by__member").get(pk=ticket_id)
    staff_require_approve(staff, account_id=ticket.account_id, raised_by_id=ticket.raised_by_id)
    if ticket.package is None:
        raise TicketActionRefused(_("This ticket names no package to refund."))
    if not requester_may_refund(ticket):
        # Not overrulable: a ticket is not a way around the account owner's grants.
        raise PermissionRefused(
            _("%(user)s may not refund packages for this account. Ask the account owner to request the refund.")
            % {"user": ticket.raised_by.get_username()},
            code="requester_no_permission",
        )
    _check(ticket, to=Status.RESOLVED, now=clock.now())
    refused: RefundRefused | None = None
    with transaction.atomic(durable=True):
        try:
            result = package_refund_within(RefundRequest(
                package_id=ticket.package_id, owner=ticket.package.owner, actor=staff,
                idempotency_key=f"ticket-{ticket.pk}-approve", channel=Channel.TICKET,
                overrule_abuse_note=note,
            ))
        except RefundRefused as error:
            audit_record(
                actor=staff, action=AuditAction.TICKET_REFUND_REFUSED, obj=ticket, account=ticket.account,
                verdict=error.verdict.as_record(), note=note,
            )
            refused = error
        else:
            # Locked after the refund's account and package locks, keeping the global lock order.
            ticket = _locked(ticket_id)
            now = clock.now()
            refund = result.refund
            # The conversation and the mail speak to the customer, in the customer's language.
            with _customer_language(ticket):
                subject, body = _approval_text(ticket, refund)
            _status_change(ticket, to=Status.RESOLVED, actor=staff, now=now, note=note, resolution=Resolution.REFUNDED)
            outcome = _add_message(ticket, author=staff, body=body, from_staff=True, now=now)
            audit_record(
                actor=staff, action=AuditAction.TICKET_REFUND_APPROVED, obj=ticket, account=ticket.account,
                after={"refund_id": refund.pk, "total": refund.total, "replayed": result.replayed}, note=note,
            )
            with _customer_language(ticket):
                _notify_after_commit(ticket, subject=subject, body=body)
            _outcome_notify(ticket, outcome, write=lambda: _approval_text(ticket, refund))
    if refused is not None:
        raise refused
    return result


def _approval_text(ticket: Ticket, refund) -> tuple[str, str]:
    """The approval's subject and body in the active language."""
    body = _(
        "We approved the refund of package %(code)s.\n"
        "Cash: USD %(cash)s\nCommission credits: USD %(commission)s\n"
        "Free credits: USD %(free)s\nTotal: USD %(total)s, returned to "
        "%(payer)s (UIN %(uin)s).\n"
        "Discounts and vouchers used for the purchase are not refunded."
    ) % {
        "code": ticket.package.code, "cash": refund.cash, "commission": refund.commission,
        "free": refund.free, "total": refund.total, "payer": refund.payer.name, "uin": refund.payer.uin,
    }
    return _("Ticket #%(pk)s: refund approved") % {"pk": ticket.pk}, body


def _outcome_notify(ticket: Ticket, outcome: TicketMessage, *, write) -> None:
    """A ticket's outcome in the Message Center of the people the owner chose for ticket outcomes
    (the owner by default), and by e-mail to those of them the ticket's contact address is not.
    Keyed by the staff message that gave the outcome: a ticket reopened and resolved again has a
    new one, and the same outcome is never sent twice."""
    account_notify(
        account_id=ticket.account_id, kind=ReminderKind.TICKET, key=f"ticket-outcome:{outcome.pk}",
        write=write, mail_skip=[ticket.contact_email],
    )


def requester_may_refund(ticket: Ticket) -> bool:
    """Whether the person who raised the ticket may refund this account's packages."""
    member = getattr(ticket.raised_by, "member", None)
    return member is not None and member.account_id == ticket.account_id and member_may(member, MemberAction.REFUND)


def _locked(ticket_id: int) -> Ticket:
    try:
        return Ticket.objects.select_for_update().get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise TicketNotFound(ticket_id) from None


def _locked_for_member(ticket_id: int, member: Member) -> Ticket:
    try:
        return tickets_visible_to(member).select_for_update().get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise TicketNotFound(ticket_id) from None


def _check(ticket: Ticket, *, to: Status, now) -> None:
    try:
        transitions.check(
            current=ticket.status, target=to, resolved_at=ticket.resolved_at, now=now,
            window_days=settings.TICKET_REOPEN_DAYS,
        )
    except transitions.TransitionRefused as error:
        raise TicketActionRefused(str(error)) from None


def _status_change(
    ticket: Ticket, *, to: Status, actor: AbstractBaseUser, now, note: str = "", resolution: Resolution = Resolution.NONE
) -> None:
    """The one place a ticket's status (and how it was resolved) is written, on a locked row."""
    _check(ticket, to=to, now=now)
    before = {"status": ticket.status}
    after = {"status": str(to)}
    written = ["status", "resolved_at", "resolution", "updated_at"]
    if ticket.status == Status.RESOLVED and to == Status.PROCESSING:
        # Reopened (the button or a reply): the resolution is owed again, counted from now, not
        # from the submission, which a ticket resolved on time may have left days behind.
        before["resolution_due_at"] = _instant(ticket.resolution_due_at)
        _reopened(ticket, now=now)
        after["resolution_due_at"] = _instant(ticket.resolution_due_at)
        written += ["reopened_at", "service_level", "resolution_due_at"]
    ticket.status = to
    if to == Status.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution = resolution
        after["resolution"] = str(resolution)
    elif to == Status.PROCESSING:
        ticket.resolved_at = None
        ticket.resolution = Resolution.NONE
    elif to == Status.CLOSED:
        ticket.closed_at = now
        written.append("closed_at")
    ticket.updated_at = now
    ticket.save(update_fields=written)
    audit_record(
        actor=actor, action=AuditAction.TICKET_STATUS_CHANGED, obj=ticket, account=ticket.account,
        before=before, after=after, note=note,
    )


def _reopened(ticket: Ticket, *, now: datetime) -> None:
    """A new resolution due time, counted from `now` with the ticket's service level (the one that
    applies now when its row was deleted); the first reply stays met."""
    ticket.reopened_at = now
    ticket.service_level = ticket.service_level or selectors.service_level_for(
        issue_type=ticket.issue_type, priority=ticket.priority
    )
    due = _due_times(ticket, working=selectors.working_calendar())
    ticket.resolution_due_at = due.resolution if due else None


def _add_message(ticket: Ticket, *, author: AbstractBaseUser, body: str, from_staff: bool, now) -> TicketMessage:
    message = TicketMessage.objects.create(ticket=ticket, author=author, body=body, from_staff=from_staff, created_at=now)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    if from_staff and ticket.first_replied_at is None:
        # The first-reply target is met by the first staff message, whatever it says.
        ticket.first_replied_at = now
        Ticket.objects.filter(pk=ticket.pk).update(first_replied_at=now)
    audit_record(
        actor=author, action=AuditAction.TICKET_REPLIED, obj=ticket, account=ticket.account,
        after={"message_id": message.pk, "from_staff": from_staff},
    )
    return message


def _customer_language(ticket: Ticket):
    """Texts addressed to the customer (mail, staff's messages in the conversation) are written in
    the language of the person who raised the ticket: their choice in the console, else English."""
    return translation.override(user_language(ticket.raised_by))


def _notify_after_commit(ticket: Ticket, *, subject: str, body: str) -> None:
    """E-mail the ticket's contact: queued in the caller's transaction, sent by a task after
    commit (never while a lock is held), retried when delivery fails, which the person who
    acted never sees. Each call is one message, named by the ticket and a fresh id. Callers
    write `subject` and `body` in the customer's language (`_customer_language`)."""
    footer = _("Ticket #%(pk)s - see My tickets in the CSS console.") % {"pk": ticket.pk}
    mail_queue(
        key=f"ticket:{ticket.pk}:{uuid.uuid4().hex}",
        to=ticket.contact_email,
        subject=subject,
        body=f"{body}\n\n{footer}",
        new_key=True,  # a fresh id: no message can have the key yet
    )


# --- resolving with an answer, priority, service levels ---------------------------------------------


def ticket_resolve_with_answer(*, ticket_id: int, staff: AbstractBaseUser, answer: str) -> Ticket:
    """Most tickets are questions: staff answer and resolve in one step, no refund involved. The
    answer is a staff message; the customer may reopen within the reopen window, as after any
    resolution."""
    staff_require_review(staff)
    if not answer.strip():
        raise TicketActionRefused(_("Write the answer the customer will read."))
    with transaction.atomic(durable=True):
        ticket = _locked(ticket_id)
        now = clock.now()
        _status_change(ticket, to=Status.RESOLVED, actor=staff, now=now, resolution=Resolution.ANSWERED)
        outcome = _add_message(ticket, author=staff, body=answer, from_staff=True, now=now)
        with _customer_language(ticket):
            subject, body = _answer_text(ticket, answer)
            _notify_after_commit(ticket, subject=subject, body=body)
        _outcome_notify(ticket, outcome, write=lambda: _answer_text(ticket, answer))
    return ticket


def _answer_text(ticket: Ticket, answer: str) -> tuple[str, str]:
    """The answer's subject and body in the active language."""
    body = answer.strip() + "\n\n" + _(
        "We consider this ticket resolved. Reply within %(days)s days to reopen it, and rate our answer in My tickets."
    ) % {"days": settings.TICKET_REOPEN_DAYS}
    return _("Ticket #%(pk)s resolved") % {"pk": ticket.pk}, body


def ticket_priority_set(*, ticket_id: int, staff: AbstractBaseUser, priority: str) -> Ticket:
    """Staff change the urgency; the due times are computed again (`_due_times`)."""
    staff_require_review(staff)
    if priority not in Priority.values:
        raise InvalidRequest(_("Choose an urgency from the list."), field="priority")
    with transaction.atomic(durable=True):
        ticket = _locked(ticket_id)
        if "priority" not in transitions.staff_actions(ticket.status):
            raise TicketActionRefused(_("The urgency of a resolved or closed ticket no longer changes anything."))
        if ticket.priority == priority:
            return ticket
        before = _service_level_facts(ticket)
        ticket.priority = priority
        ticket.service_level = selectors.service_level_for(issue_type=ticket.issue_type, priority=priority)
        _due_times_apply(ticket, working=selectors.working_calendar())
        ticket.updated_at = clock.now()
        ticket.save(update_fields=["priority", "service_level", "first_reply_due_at", "resolution_due_at", "updated_at"])
        audit_record(
            actor=staff, action=AuditAction.TICKET_PRIORITY_CHANGED, obj=ticket, account=ticket.account,
            before=before, after=_service_level_facts(ticket),
        )
    return ticket


def service_level_save(*, level: ServiceLevel, staff: AbstractBaseUser) -> int:
    """Save a row of the policy (staff edit it in the admin) and compute the due times again for
    the tickets still owed that use it. Returns how many tickets changed."""
    staff_require_review(staff)
    with transaction.atomic(durable=True):
        level.save()
        working = selectors.working_calendar()
        changed = 0
        for ticket in Ticket.objects.select_for_update().filter(service_level=level, status__in=ACTIVE).order_by("pk"):
            before = _service_level_facts(ticket)
            _due_times_apply(ticket, working=working, level=level)
            if _service_level_facts(ticket) != before:
                ticket.save(update_fields=["first_reply_due_at", "resolution_due_at"])
                audit_record(
                    actor=staff, action=AuditAction.TICKET_DUE_TIMES_RECOMPUTED, obj=ticket, account=ticket.account,
                    before=before, after=_service_level_facts(ticket), note=str(level),
                )
                changed += 1
    return changed


def _due_times_apply(ticket: Ticket, *, working, level: ServiceLevel | None = None) -> None:
    """Set the ticket's due times from its service level (`_due_times`)."""
    due = _due_times(ticket, working=working, level=level)
    ticket.first_reply_due_at = due.first_reply if due else None
    ticket.resolution_due_at = due.resolution if due else None


def _due_times(ticket: Ticket, *, working, level: ServiceLevel | None = None) -> DueTimes | None:
    """The ticket's due times under its service level, counted from its submission (the resolution
    from its latest reopening); None without a service level."""
    level = level or ticket.service_level
    if level is None:
        return None
    return selectors.due_times_for(
        level=level, submitted_at=ticket.created_at, reopened_at=ticket.reopened_at, working=working
    )


def _service_level_facts(ticket: Ticket) -> dict:
    return {
        "priority": ticket.priority,
        "first_reply_due_at": _instant(ticket.first_reply_due_at),
        "resolution_due_at": _instant(ticket.resolution_due_at),
    }


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- satisfaction --------------------------------------------------------------------------------

LOW_RATING = 2


def ticket_rate(*, ticket_id: int, member: Member, score: int, comment: str = "") -> TicketRating:
    """The customer's rating of a resolved ticket, 1 to 5, with an optional comment. One per ticket;
    changeable while the ticket can be reopened, refused afterwards (`RatingRefused`). A low rating
    (1 or 2) tells the assignee (`_staff_notify`), once someone could be mailed."""
    if score not in range(1, 6):
        raise InvalidRequest(_("Choose a rating from 1 to 5."), field="score")
    with transaction.atomic(durable=True):
        ticket = _locked_for_member(ticket_id, member)
        now = clock.now()
        if not transitions.may_reopen(
            status=ticket.status, resolved_at=ticket.resolved_at, now=now, window_days=settings.TICKET_REOPEN_DAYS
        ):
            raise RatingRefused()
        rating = TicketRating.objects.filter(ticket=ticket).first()
        before = {"score": rating.score, "comment": rating.comment} if rating else None
        if rating is None:
            rating = TicketRating(ticket=ticket)
        rating.score, rating.comment, rating.rated_by, rating.rated_at = score, comment.strip(), member.user, now
        rating.save()
        audit_record(
            actor=member.user, action=AuditAction.TICKET_RATED, obj=ticket, account=ticket.account,
            before=before, after={"score": score, "comment": rating.comment},
        )
        if score <= LOW_RATING and rating.low_rating_notified_at is None and _staff_notify(
            ticket, key=f"ticket-low-rating:{ticket.pk}", write=lambda: _low_rating_text(ticket, rating)
        ):
            rating.low_rating_notified_at = now
            rating.save(update_fields=["low_rating_notified_at"])
    return rating


def _low_rating_text(ticket: Ticket, rating: TicketRating) -> tuple[str, str]:
    subject = _("Ticket #%(pk)s was rated %(score)s of 5") % {"pk": ticket.pk, "score": rating.score}
    body = _("The customer rated ticket #%(pk)s \"%(title)s\" %(score)s of 5.") % {
        "pk": ticket.pk, "title": ticket.title, "score": rating.score,
    }
    if rating.comment:
        body += "\n\n" + _("Their comment: %(comment)s") % {"comment": rating.comment}
    return subject, body + "\n\n" + _desk_link(ticket)


# --- the near-breach sweep -----------------------------------------------------------------------


def service_level_warnings_send(*, now: datetime | None = None) -> int:
    """Warn about every ticket whose next due time is less than TICKET_DUE_WARNING_MINUTES away (or
    already passed): its assignee, else every reviewer (`_staff_notify`), by e-mail through the
    outbox. Once per due time: the due instant warned about is stored on the ticket, so a second
    sweep sends nothing, and a due time changed later (a new priority) is warned about again; a
    warning nobody could be mailed is not stored, so a later sweep sends it once someone can be.
    Celery beat runs it, and the demo after the presenter moves the clock. Returns how many warnings
    were sent.

    One short transaction per ticket, not durable: the presenter's clock move may run it inside its own."""
    now = now or clock.now()
    horizon = now + timedelta(minutes=settings.TICKET_DUE_WARNING_MINUTES)
    due_first_reply = Q(first_replied_at__isnull=True, first_reply_due_at__lte=horizon) & (
        Q(first_reply_warned_for__isnull=True) | ~Q(first_reply_warned_for=F("first_reply_due_at"))
    )
    due_resolution = Q(first_replied_at__isnull=False, resolution_due_at__lte=horizon) & (
        Q(resolution_warned_for__isnull=True) | ~Q(resolution_warned_for=F("resolution_due_at"))
    )
    candidates = Ticket.objects.filter(due_first_reply | due_resolution, status__in=ACTIVE).order_by("next_due_at", "pk")
    sent = 0
    for ticket_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket_id)
            sent += _due_warning_send(ticket, now=now, horizon=horizon)
    return sent


def _due_warning_send(ticket: Ticket, *, now: datetime, horizon: datetime) -> int:
    """Decided again on the locked row: the warning still due, and not sent for this due time."""
    if ticket.status not in ACTIVE:
        return 0
    if ticket.first_replied_at is None:
        due, marker, what = ticket.first_reply_due_at, "first_reply_warned_for", "first_reply"
    else:
        due, marker, what = ticket.resolution_due_at, "resolution_warned_for", "resolution"
    if due is None or due > horizon or getattr(ticket, marker) == due:
        return 0
    if not _staff_notify(
        ticket, key=f"ticket-due:{ticket.pk}:{what}:{due.isoformat()}",
        write=lambda: _due_warning_text(ticket, what=what, due=due, now=now),
    ):
        return 0
    setattr(ticket, marker, due)
    ticket.save(update_fields=[marker])
    return 1


def _due_warning_text(ticket: Ticket, *, what: str, due: datetime, now: datetime) -> tuple[str, str]:
    """The warning's subject and body in the active language: whole sentences for each target and
    whether it is still ahead or already missed, so each reads naturally when translated."""
    facts = {"pk": ticket.pk, "title": ticket.title, "at": zoned(due)}
    if what == "first_reply" and due > now:
        subject, said = _("Ticket #%(pk)s: first reply due soon"), _("The first reply to ticket #%(pk)s \"%(title)s\" is due at %(at)s.")
    elif what == "first_reply":
        subject, said = _("Ticket #%(pk)s missed its first reply time"), _("The first reply to ticket #%(pk)s \"%(title)s\" was due at %(at)s.")
    elif due > now:
        subject, said = _("Ticket #%(pk)s: resolution due soon"), _("Ticket #%(pk)s \"%(title)s\" is to be resolved by %(at)s.")
    else:
        subject, said = _("Ticket #%(pk)s missed its resolution time"), _("Ticket #%(pk)s \"%(title)s\" was to be resolved by %(at)s.")
    body = said % facts + " " + _("Urgency: %(priority)s.") % {"priority": ticket.get_priority_display()}
    return subject % facts, body + "\n\n" + _desk_link(ticket)


def _staff_notify(ticket: Ticket, *, key: str, write) -> int:
    """E-mail the ticket's assignee, or every reviewer with an e-mail address while nobody is
    assigned or the assignee has none, each in their own language, through the outbox (after
    commit). `key` names the event; each recipient's message is `<key>:<user id>`, so the same event
    is never queued twice for a person. Returns how many people it is queued for: 0 when nobody
    can be mailed, and callers then leave the event unmarked, to be told again later."""
    if ticket.assignee_id and ticket.assignee.email:
        people = [ticket.assignee]
    else:
        people = list(selectors.reviewers().exclude(email=""))
    for person in people:
        with translation.override(user_language(person)):
            subject, body = write()
        mail_queue(key=f"{key}:{person.pk}", to=person.email, subject=subject, body=body)
    return len(people)


def _desk_link(ticket: Ticket) -> str:
    return _("Open it on the review desk: %(path)s") % {"path": f"/admin/tickets/ticket/{ticket.pk}/change/"}
