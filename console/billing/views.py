import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from console.accounts.permissions import MemberAction, member_require
from console.accounts.selectors import member_for
from console.billing import selectors
from console.billing.alerts import balance_alert_set
from console.billing.forms import BalanceAlertForm, LedgerFilterForm, TopUpForm
from console.billing.models import TopUp, TopUpChannel
from console.billing.payments import payment_provider
from console.billing.progress import billing_progress
from console.billing.topup import account_top_up, top_up_split
from console.core import clock
from console.core.errors import ServiceError
from console.core.http import PACKAGES_CHANGED, page_part
from console.core.listing import applied_query, csv_download, page_of
from console.ledger.memos import entry_memo_english
from console.ledger.selectors import ledger_for

LEDGER_PER_PAGE = 50
LEDGER_CSV_HEADER = ["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]


def _member_who_may_see_money(request):
    """The signed-in member, or a 403 (PermissionRefused) for one the API would refuse
    DescribeAccountBalance: every view of this page shows the account's money."""
    member = member_for(request.user)
    member_require(member, MemberAction.SEE_MONEY)
    return member


BALANCE_PAGE = "console/billing/balance.html"
STANDING_BANNER = "console/billing/_standing_banner.html"


@login_required
# The same URL answers with the whole page or only a part; caches must keep them apart.
@vary_on_headers("HX-Request", "HX-Target")
def balance_and_bills(request):
    return _page(request)


def _page(request, *, status: int = 200):
    member = _member_who_may_see_money(request)
    # The balances fetch themselves again after a top-up; the ledger's filter and pages swap it.
    part = page_part(request.htmx, target="balances", part="#balances", otherwise="#ledger")
    if part == "#balances":  # the balances alone need no ledger
        return render(request, BALANCE_PAGE + part, {"account": member.account}, status=status)
    filters = LedgerFilterForm(request.GET or None)
    start, end = filters.dates()
    entries = ledger_for(member.account, start=start, end=end)
    page = page_of(entries, request.GET.get("page"), per_page=LEDGER_PER_PAGE)
    context = {
        "account": member.account,
        "filters": filters,
        "page": page,
        "bills": selectors.recent_bills(member.account),
        "query": applied_query(filters),
    }
    return render(request, BALANCE_PAGE + part, context, status=status)


@login_required
def ledger_csv(request):
    member = _member_who_may_see_money(request)
    filters = LedgerFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        # A clear answer for a bad range, never a 500: the page, with each error beside its field.
        return _page(request, status=400)
    start, end = filters.dates()
    entries = ledger_for(member.account, start=start, end=end)
    zone = clock.billing_zone()
    rows = (
        [
            entry.created_at.astimezone(zone).isoformat(), entry.bucket, entry.kind, entry.amount, entry.balance_after,
            entry.package.code if entry.package else "", entry.reference, entry_memo_english(entry),
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    span = "-".join(day.strftime("%Y%m%d") if day else "all" for day in (start, end)) if (start or end) else "all"
    return csv_download(filename=f"ledger-{member.account.uin}-{span}.csv", header=LEDGER_CSV_HEADER, rows=rows)


@login_required
def billing_progress_view(request):
    """How far a day's billing has got (`?day=YYYY-MM-DD`, default yesterday): a partial that
    polls itself every second until the day is billed. For the presenter panel (demo mode) and
    staff; it counts every account, so customers do not see it."""
    if not (settings.DEMO_MODE or request.user.is_staff):
        raise Http404
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clock.today() - timedelta(days=1)
    return render(request, "console/billing/_progress.html", {"progress": billing_progress(day=day)})


# --- top-up -----------------------------------------------------------------------------------

TOP_UP_TEMPLATE = "console/billing/top_up.html"


def _render_top_up(request, *, member, form, split=None, status=200):
    template = TOP_UP_TEMPLATE
    if request.htmx:
        template += "#form" if request.method == "POST" else "#dialog"
    context = {"form": form, "split": split, "account": member.account, "provider": payment_provider()}
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def top_up(request):
    """The Top up dialog: an amount (the amount owed, to begin with), a confirmation that says what
    it settles and credits and whether it lifts a suspension, then the receipt."""
    member = _member_who_may_see_money(request)
    member_require(member, MemberAction.BUY)
    account = member.account
    if request.method == "GET":
        initial = {"idempotency_key": uuid.uuid4(), "amount": account.owed_balance or None}
        return _render_top_up(request, member=member, form=TopUpForm(initial=initial))
    form = TopUpForm(request.POST)
    if not form.is_valid():
        return _render_top_up(request, member=member, form=form, status=422)
    amount = form.cleaned_data["amount"]
    if request.POST.get("action") != "confirm":
        return _render_top_up(request, member=member, form=form, split=top_up_split(account=account, amount=amount))
    try:
        result = account_top_up(
            account_id=account.pk, amount=amount, idempotency_key=str(form.cleaned_data["idempotency_key"]),
            channel=TopUpChannel.CONSOLE, actor=request.user, member=member,
        )
    except ServiceError as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        return _render_top_up(request, member=member, form=form, status=refused.http_status)
    if not request.htmx:
        return redirect("billing_top_up_receipt", pk=result.top_up.pk)
    response = render(request, f"{TOP_UP_TEMPLATE}#receipt", {"top_up": result.top_up, "provider": payment_provider()})
    # The page behind the dialog refreshes itself: the package page's balances, or Balance and
    # bills' balances and ledger.
    trigger_client_event(response, PACKAGES_CHANGED)
    return response


@login_required
def top_up_receipt(request, pk: int):
    member = _member_who_may_see_money(request)
    top_up = get_object_or_404(TopUp, pk=pk, account=member.account)
    return render(request, "console/billing/top_up_receipt.html", {"top_up": top_up, "provider": payment_provider()})


@login_required
@require_GET
def standing_banner(request):
    """The account's standing banner alone (its facts come from the context processor): every page
    fetches it again when a dialog may have changed the standing, as a top-up that lifts a suspension."""
    return render(request, STANDING_BANNER)


@login_required
@require_http_methods(["GET", "POST"])
def balance_alert(request):
    """Billing Center's balance alert: the threshold here, who receives it with the other messages."""
    member = _member_who_may_see_money(request)
    account = member.account
    form = BalanceAlertForm(request.POST or None, initial={"threshold": account.balance_alert_threshold})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                balance_alert_set(member=member, threshold=form.cleaned_data["threshold"])
            except ServiceError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
                status = refused.http_status
            else:
                messages.success(request, gettext("Balance alert saved."))
                return redirect("billing_alert")
        else:
            status = 422
    return render(request, "console/billing/balance_alert.html", {"form": form, "account": account}, status=status)
