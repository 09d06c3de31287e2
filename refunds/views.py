import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from console import clock
from console import selectors as console_selectors
from console.forms import PackageQueryForm
from console.models import Member, Package
from console.selectors import PackageQuery
from console.views import package_page_redraw
from refunds import policy, selectors
from refunds.forms import RefundConfirmForm
from refunds.services import IdempotencyKeyReused, PackageNotFound, RefundRefused, package_refund

# Far above what a person clicking through dialogs needs; low enough to stop a script hammering
# the row locks.
REFUND_RATE = "10/m"

TEMPLATE = "refunds/refund_dialog.html"


def _package_or_404(member: Member, package_id: int) -> Package:
    try:
        return console_selectors.package_for_refund(account=member.account, package_id=package_id)
    except Package.DoesNotExist:
        raise Http404("No such package in this account.") from None


def _page_query(params: QueryDict) -> PackageQuery:
    """The package table's view the dialog was opened from, cleaned of anything invalid."""
    return PackageQueryForm(params).query()


def _render_dialog(request, *, member, package, form, verdict: policy.Verdict | None = None, status=200):
    """The dialog as htmx wants it (the whole <dialog>, or only its form after a POST) or,
    without JavaScript, as a page of its own."""
    if verdict is None:
        now = clock.now()
        verdict = selectors.refund_verdict(
            package, account_facts=selectors.account_facts(member.account, now=now), now=now, member=member
        )
    template = TEMPLATE
    if request.htmx:
        template += "#form" if request.method == "POST" else "#dialog"
    back_query = _page_query(QueryDict(form["page_query"].value() or "")).as_querydict().urlencode()
    context = {"package": package, "verdict": verdict, "form": form, "back_query": back_query}
    return render(request, template, context, status=status)


@login_required
@require_GET
def refund_dialog(request, package_id: int):
    member = console_selectors.member_for(request.user)
    package = _package_or_404(member, package_id)
    page_query = _page_query(request.GET).as_querydict().urlencode()
    form = RefundConfirmForm(initial={"idempotency_key": uuid.uuid4(), "page_query": page_query})
    return _render_dialog(request, member=member, package=package, form=form)


@login_required
@require_POST
@ratelimit(key="user", rate=REFUND_RATE, method="POST", block=False)
def refund_confirm(request, package_id: int):
    member = console_selectors.member_for(request.user)
    form = RefundConfirmForm(request.POST)

    def dialog_again(status: int, verdict: policy.Verdict | None = None):
        package = _package_or_404(member, package_id)
        return _render_dialog(request, member=member, package=package, form=form, verdict=verdict, status=status)

    valid = form.is_valid()
    if request.limited:
        form.add_error(None, "Too many refund requests. Wait a minute, then try again.")
        return dialog_again(429)
    if not valid:
        return dialog_again(422)
    try:
        result = package_refund(
            package_id=package_id,
            owner=member.account,
            actor=request.user,
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            reason=form.cleaned_data["reason"],
            member=member,
        )
    except PackageNotFound:
        raise Http404("No such package in this account.") from None
    except RefundRefused as refused:
        # Nothing changed; the dialog now says why (e.g. the window closed while it was open).
        return dialog_again(409, refused.verdict)
    except IdempotencyKeyReused:
        form.add_error(None, "This confirmation was already used for another package. Close the dialog and open Refund again.")
        return dialog_again(409)

    # A replay answers with the first refund, so the person sees what actually happened.
    refund = result.refund
    done = f"Refunded USD {refund.total} to {refund.payer.name} (UIN {refund.payer.uin})."
    query = _page_query(QueryDict(form.cleaned_data["page_query"]))
    if not request.htmx:
        messages.success(request, done)
        return redirect(f"{reverse('packages')}?{query.as_querydict().urlencode()}")
    return package_page_redraw(request, member=member, query=query, message=done)
