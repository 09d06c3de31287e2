import uuid

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from console.accounts.selectors import member_for
from console.core import clock
from console.core.errors import IdempotencyKeyReused
from console.core.http import PACKAGES_CHANGED, dialog_done
from console.core.rate_limits import rate_limit_exceeded
from console.packages.selectors import package_of_account
from refunds import policy, selectors
from refunds.forms import RefundConfirmForm
from refunds.services import RefundRefused, RefundRequest, package_refund, refund_owed_part

# Far above what a person clicking through dialogs needs; low enough to stop a script hammering
# the row locks.
REFUND_RATE = "10/m"

DIALOG = "refunds/refund_dialog.html"


def _render_dialog(
    request, *, member, package, form, verdict: policy.Verdict | None = None, status=200, refresh_table=False
):
    """The dialog as htmx wants it (the whole <dialog>, or only its form after a POST) or,
    without JavaScript, as a page of its own."""
    if verdict is None:
        now = clock.now()
        verdict = selectors.refund_verdict(
            package, account_facts=selectors.account_facts(member.account, now=now), now=now, member=member
        )
    template = DIALOG
    if request.htmx:
        template += "#form" if request.method == "POST" else "#dialog"
    context = {
        "package": package,
        "verdict": verdict,
        "form": form,
        "why": verdict.why,
        # In arrears, the refund's cash pays what the payer owes first; the dialog says how much.
        "to_owed": refund_owed_part(owed=package.payer.owed_balance, cash=verdict.refund.cash) if verdict.eligible else None,
    }
    response = render(request, template, context, status=status)
    if refresh_table:
        # The row the person clicked said something else (a refund in another tab, the window
        # closed meanwhile, a refused confirm): the table redraws itself behind the dialog.
        trigger_client_event(response, PACKAGES_CHANGED)
    return response


@login_required
@require_GET
def refund_dialog(request, package_id: int):
    member = member_for(request.user)
    package = package_of_account(account=member.account, package_id=package_id)
    form = RefundConfirmForm(initial={"idempotency_key": uuid.uuid4()})
    now = clock.now()
    verdict = selectors.refund_verdict(
        package, account_facts=selectors.account_facts(member.account, now=now), now=now, member=member
    )
    stale = request.GET.get("shown") == "eligible" and not verdict.eligible
    return _render_dialog(request, member=member, package=package, form=form, verdict=verdict, refresh_table=stale)


@login_required
@require_POST
def refund_confirm(request, package_id: int):
    member = member_for(request.user)
    form = RefundConfirmForm(request.POST)

    def dialog_again(status: int, verdict: policy.Verdict | None = None):
        package = package_of_account(account=member.account, package_id=package_id)
        return _render_dialog(
            request, member=member, package=package, form=form, verdict=verdict, status=status,
            refresh_table=verdict is not None,
        )

    valid = form.is_valid()
    if rate_limit_exceeded(request, group="refunds.refund_confirm", key="user", rate=REFUND_RATE, method="POST"):
        form.add_error(None, _("Too many refund requests. Wait a minute, then try again."))
        return dialog_again(429)
    if not valid:
        return dialog_again(422)
    try:
        result = package_refund(RefundRequest(
            package_id=package_id,
            owner=member.account,
            actor=request.user,
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            reason=form.cleaned_data["reason"],
            member=member,
        ))
    except RefundRefused as refused:
        # Nothing changed; the dialog now says why (e.g. the window closed while it was open).
        return dialog_again(refused.http_status, refused.verdict)
    except IdempotencyKeyReused as reused:
        form.add_error(None, reused.message)
        return dialog_again(reused.http_status)

    # A replay answers with the first refund, so the person sees what actually happened.
    refund = result.refund
    done = _("Refunded USD %(total)s to %(payer)s (UIN %(uin)s).") % {
        "total": refund.total, "payer": refund.payer.name, "uin": refund.payer.uin,
    }
    return dialog_done(request, message=done, fallback_url=reverse("packages"))
