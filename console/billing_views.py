import csv
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from console import clock, selectors
from console.billing import selectors as billing_selectors
from console.billing.forms import BuyForm, LedgerFilterForm
from console.billing.purchase import (
    IdempotencyKeyReused,
    PurchaseRefused,
    discount_percent,
    package_purchase,
    purchase_quote,
    vouchers_usable,
)
from console.billing.renewal import AutoRenewRefused, package_auto_renew_set
from console.forms import PackageQueryForm
from console.models import Package
from console.selectors import KINDS_BY_TAB
from console.status import package_status
from console.views import package_page_redraw

DEDUCTIONS_PER_PAGE = 20
LEDGER_PER_PAGE = 50


@login_required
def package_detail(request, code):
    member = selectors.member_for(request.user)
    package = get_object_or_404(Package.objects.select_related("spec", "payer"), code=code, owner=member.account)
    page = Paginator(billing_selectors.deductions_for(package), DEDUCTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "package": package,
        "status": package_status(package, billing_mode=member.account.billing_mode, now=clock.now()),
        "page": page,
        "renewal_failures": billing_selectors.renewal_failures_for(package),
        "may_buy": member.may_refund,
    }
    template = "console/package_detail.html#deductions" if request.htmx else "console/package_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def package_auto_renew(request, code):
    member = selectors.member_for(request.user)
    package = get_object_or_404(Package, code=code, owner=member.account)
    if not member.may_refund:
        messages.error(request, "You do not have permission to change auto-renewal. Ask the account owner.")
    else:
        enabled = request.POST.get("auto_renew") == "on"
        try:
            package_auto_renew_set(package_id=package.pk, account=member.account, enabled=enabled, actor=request.user)
        except AutoRenewRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Auto-renewal {'on' if enabled else 'off'} for {package.code}.")
    return redirect("package_detail", code=code)


def _render_buy(request, *, member, form, spec=None, status=200):
    """The buy dialog with the quote for `spec` (the chosen one, else the first on sale)."""
    spec = spec or form.fields["spec"].queryset.first()
    voucher_code = (form.data.get("voucher") or "").strip() if form.is_bound else ""
    now = clock.now()
    vouchers = list(vouchers_usable(member.account, now=now))
    voucher = next((v for v in vouchers if v.code == voucher_code), None)
    quote = purchase_quote(account=member.account, spec=spec, voucher=voucher) if spec else None
    context = {
        "form": form,
        "spec": spec,
        "quote": quote,
        "discount_percent": discount_percent(spec) if spec else Decimal("0"),
        "vouchers": vouchers,
        "voucher_code": voucher_code,
        "may_buy": member.may_refund,
    }
    template = "console/billing/buy.html"
    if request.htmx:
        template += "#form" if request.method == "POST" else "#dialog"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def package_buy(request):
    member = selectors.member_for(request.user)
    if request.method == "GET":
        form = BuyForm(initial={"idempotency_key": uuid.uuid4()})
        return _render_buy(request, member=member, form=form)

    form = BuyForm(request.POST)
    if not form.is_valid():
        return _render_buy(request, member=member, form=form, status=422)
    spec = form.cleaned_data["spec"]
    # The spec was changed (or the dialog asked for a quote): show its price before buying.
    if request.POST.get("action") == "quote" or form.cleaned_data["shown_spec"] != spec.pk:
        form = BuyForm({**request.POST.dict(), "shown_spec": spec.pk, "shown_price": spec.list_price})
        form.is_valid()
        return _render_buy(request, member=member, form=form, spec=spec)
    try:
        result = package_purchase(
            account=member.account,
            member=member,
            spec_id=spec.pk,
            shown_price=form.cleaned_data["shown_price"],
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            voucher_code=form.cleaned_data["voucher"],
        )
    except PurchaseRefused as refused:
        form.add_error(None if refused.field in ("__all__", "balance") else refused.field, refused.message)
        return _render_buy(request, member=member, form=form, spec=spec, status=409)
    except IdempotencyKeyReused:
        form.add_error(None, "This confirmation was already used. Close the dialog and open Buy package again.")
        return _render_buy(request, member=member, form=form, spec=spec, status=409)

    package = result.package
    done = f"Bought {package.spec} as {package.code}: USD {package.paid_total} paid."
    if not request.htmx:
        messages.success(request, done)
        return redirect("package_detail", code=package.code)
    tab = next(tab for tab, kinds in KINDS_BY_TAB.items() if package.kind in kinds)
    query = PackageQueryForm(QueryDict(f"tab={tab}")).query()
    return package_page_redraw(request, member=member, query=query, message=done)


@login_required
def balance_and_bills(request):
    member = selectors.member_for(request.user)
    filters = LedgerFilterForm(request.GET or None)
    start, end = filters.dates()
    entries = billing_selectors.ledger_for(member.account, start=start, end=end)
    page = Paginator(entries, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "account": member.account,
        "filters": filters,
        "page": page,
        "bills": billing_selectors.recent_bills(member.account),
        "query": query.urlencode(),
    }
    template = "console/billing/balance.html#ledger" if request.htmx else "console/billing/balance.html"
    return render(request, template, context)


class _Echo:
    def write(self, value):
        return value


@login_required
def ledger_csv(request):
    member = selectors.member_for(request.user)
    start, end = LedgerFilterForm(request.GET or None).dates()
    entries = billing_selectors.ledger_for(member.account, start=start, end=end)
    writer = csv.writer(_Echo())
    header = ["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]

    def rows():
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([
                entry.created_at.astimezone(clock.billing_zone()).isoformat(), entry.bucket, entry.kind,
                entry.amount, entry.balance_after, entry.package.code if entry.package else "", entry.reference, entry.memo,
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ledger-{member.account.uin}.csv"'
    return response
