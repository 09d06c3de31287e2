from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from console.accounts.permissions import staff_may_review
from console.accounts.selectors import member_for
from console.core import clock
from console.core.confirm import Confirmation, confirmation_page, confirmed
from console.core.listing import applied_query, page_of
from tickets import selectors, services, transitions
from tickets.catalogue import PRODUCT_BY_CODE, product_search
from tickets.forms import MyTicketsFilterForm, RatingForm, ReplyForm, TicketForm
from tickets.models import EXTENSION_BY_TYPE, Attachment, TicketRating

MINE_PER_PAGE = 20


@login_required
def submit(request):
    """Submit a Ticket: product, then issue type, then the form; each step is a query parameter,
    so the page works without JavaScript and htmx only swaps the steps in place."""
    member = member_for(request.user)
    source = request.POST if request.method == "POST" else request.GET
    product_code, issue_code = source.get("product", ""), source.get("issue_type", "")
    product = PRODUCT_BY_CODE.get(product_code)
    issue = product.issue_type(issue_code) if product else None
    package_error = ""

    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES, member=member)
        if form.is_valid():
            data = form.cleaned_data
            ticket = services.ticket_submit(
                member=member, product=data["product"], issue_type=data["issue_type"],
                title=data["title"], description=data["description"], package=data["package"],
                contact_email=data["contact_email"], contact_phone=form.contact_phone,
                contact_time=data["contact_time"], attachments=data["attachments"],
                submission_key=data["submission_key"], priority=data["priority"],
            )
            messages.success(request, _("Ticket #%(pk)s submitted. We will reply here.") % {"pk": ticket.pk})
            return redirect("tickets:detail", pk=ticket.pk)
        product_error = " ".join(form.errors.get("product", []))
        issue_error = " ".join(form.errors.get("issue_type", []))
    else:
        initial = {"product": product_code, "issue_type": issue_code}
        package_code = request.GET.get("package", "")
        if package_code:
            if selectors.packages_for_ticket(member).filter(code=package_code).exists():
                initial["package"] = package_code
            else:
                package_error = _("Package %(code)s is not one of your account's packages.") % {"code": package_code}
        form = TicketForm(initial=initial, member=member)
        product_error = _("Choose a product from the list.") if product_code and product is None else ""
        issue_error = (
            _("Choose one of the issue types of %(product)s.") % {"product": product.name}
            if product and issue_code and issue is None
            else ""
        )

    context = {
        "form": form,
        "query": request.GET.get("q", ""),
        "results": product_search(request.GET.get("q", "")),
        "product": product,
        "issue": issue,
        "product_error": product_error,
        "issue_error": issue_error,
        "package_error": package_error,
        "package_code": request.GET.get("package", ""),
        "show_form": request.method == "POST" or (product is not None and issue is not None),
    }
    if request.htmx and request.htmx.target == "product-results":
        return render(request, "tickets/submit.html#product-results", context)
    if request.htmx and request.htmx.target == "ticket-steps":
        return render(request, "tickets/submit.html#steps", context)
    return render(request, "tickets/submit.html", context)


@login_required
@vary_on_headers("HX-Request")
def mine(request):
    member = member_for(request.user)
    filters = MyTicketsFilterForm(request.GET or None)
    applied = filters.applied()
    tickets = selectors.ticket_list_for(member, status=applied.get("status", ""), search=applied.get("q", ""))
    page = page_of(tickets, request.GET.get("page"), per_page=MINE_PER_PAGE)
    context = {"page": page, "tickets": page.object_list, "filters": filters, "query": applied_query(filters)}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "tickets/mine.html#list" if partial else "tickets/mine.html", context)


@login_required
def detail(request, pk: int):
    member = member_for(request.user)
    ticket = selectors.ticket_for(member, pk)
    return render(request, "tickets/detail.html", _detail_context(ticket, ReplyForm()))


@login_required
@require_POST
def reply(request, pk: int):
    member = member_for(request.user)
    ticket = selectors.ticket_for(member, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_reply(ticket_id=ticket.pk, member=member, body=form.cleaned_data["body"])
        except services.TicketActionRefused as error:
            form.add_error("body", error.message)
        else:
            if not request.htmx:
                return redirect("tickets:detail", pk=ticket.pk)
            ticket = selectors.ticket_for(member, pk)
            form = ReplyForm()
    # The whole ticket (badge, conversation, Reopen and Close) is redrawn: a reply may reopen it.
    template = "tickets/detail.html#ticket" if request.htmx else "tickets/detail.html"
    return render(request, template, _detail_context(ticket, form))


@login_required
@require_POST
def rate(request, pk: int):
    """The customer's satisfaction rating of a resolved ticket; a wrong value is said beside its
    field, a refusal (the reopen window closed) at the top of the ticket."""
    member = member_for(request.user)
    ticket = selectors.ticket_for(member, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(
                ticket_id=ticket.pk, member=member, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except services.RatingRefused as error:
            # The window closed while the form was open: the page no longer offers it.
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for rating this ticket."))
        return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/detail.html", _detail_context(ticket, ReplyForm(), rating_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    """GET (or a POST without confirmation) asks first; the confirmed POST closes the ticket."""
    if not confirmed(request):
        ticket = selectors.ticket_for(member_for(request.user), pk)
        return confirmation_page(request, Confirmation(
            title=_("Close ticket #%(id)s?") % {"id": ticket.pk},
            what_happens=_("The ticket is closed: nobody works on it any more, and it can no longer be answered."),
            cannot_undo=(
                _(
                    "This cannot be undone: a closed ticket cannot be reopened, and the refund it asks for is "
                    "withdrawn without a decision. Submit a new ticket if you still need it."
                )
                # An undecided request about a package that is not refunded: closing withdraws it.
                if ticket.package_id and ticket.package.refunded_at is None and ticket.status != transitions.Status.RESOLVED
                else _("This cannot be undone: a closed ticket cannot be reopened. Submit a new ticket if you need help again.")
            ),
            confirm_label=_("Close ticket"),
            back_url=reverse("tickets:detail", args=[ticket.pk]),
        ))
    return _customer_status_action(request, pk, services.ticket_close, _("Ticket closed."))


@login_required
@require_POST
def reopen(request, pk: int):
    return _customer_status_action(request, pk, services.ticket_reopen, _("Ticket reopened."))


@login_required
def attachment(request, pk: int):
    """Attachments are never public: staff reviewers, or members who may see the ticket."""
    if staff_may_review(request.user):
        file = get_object_or_404(Attachment, pk=pk)
    else:
        member = member_for(request.user)
        file = get_object_or_404(Attachment, pk=pk, ticket__in=selectors.tickets_visible_to(member))
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    # Named and typed from the type checked at upload, never from the customer's file name: a
    # "statement.html" or "run.bat" downloads as attachment-7.png, image/png.
    content_type = file.content_type if file.content_type in EXTENSION_BY_TYPE else "application/octet-stream"
    filename = f"attachment-{file.pk}{EXTENSION_BY_TYPE.get(content_type, '.bin')}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway, nothing in it may run or load.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _customer_status_action(request, pk, service, success: str):
    member = member_for(request.user)
    ticket = selectors.ticket_for(member, pk)
    try:
        service(ticket_id=ticket.pk, member=member)
    except services.TicketActionRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("tickets:detail", pk=ticket.pk)


def _detail_context(ticket, form, *, rating_form: RatingForm | None = None) -> dict:
    now = clock.now()
    can_reopen = transitions.may_reopen(
        status=ticket.status, resolved_at=ticket.resolved_at, now=now, window_days=settings.TICKET_REOPEN_DAYS
    )
    closed = ticket.status == transitions.Status.CLOSED
    resolved = ticket.status == transitions.Status.RESOLVED
    owed = ticket.status in transitions.ACTIVE
    rating = TicketRating.objects.filter(ticket=ticket).first()
    if rating_form is None and can_reopen:
        rating_form = RatingForm(initial={"score": rating.score, "comment": rating.comment} if rating else None)
    reply_by = ticket.first_reply_due_at if owed and ticket.first_replied_at is None else None
    resolve_by = ticket.resolution_due_at if owed and ticket.first_replied_at is not None else None
    return {
        # Before the first staff reply, by when it comes; after it, by when the ticket is resolved;
        # once that time has passed, that it is late (a promise in the past reads as a mistake).
        "reply_by": reply_by,
        "resolve_by": resolve_by,
        "service_level_late": (reply_by or resolve_by or now) < now,
        "rating": rating,
        # A rating is given or changed while the ticket can be reopened.
        "rating_form": rating_form if can_reopen else None,
        "ticket": ticket,
        "conversation": selectors.conversation(ticket),
        "attachments": ticket.attachments.all(),
        "form": form,
        "can_reopen": can_reopen,
        "reopen_until": (
            transitions.reopen_deadline(ticket.resolved_at, window_days=settings.TICKET_REOPEN_DAYS)
            if ticket.resolved_at else None
        ),
        "reopen_days": settings.TICKET_REOPEN_DAYS,
        "closed": closed,
        # A reply reopens a resolved ticket, so it is offered only while reopening is possible.
        "can_reply": not closed and (not resolved or can_reopen),
        "reopen_window_passed": resolved and not can_reopen,
    }
