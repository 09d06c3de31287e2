import uuid
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console.accounts.permissions import buy_refusal
from console.accounts.selectors import member_for
from console.core import clock
from console.core.errors import IdempotencyKeyReused, PermissionRefused
from console.core.http import dialog_done
from console.core.rate_limits import rate_limit_exceeded
from console.purchases.forms import BuyForm
from console.purchases.selectors import discount_percent, purchase_quote, vouchers_usable
from console.purchases.services import PurchaseRefused, package_purchase

TEMPLATE = "console/purchases/buy.html"
# As for refunds: far above a person confirming purchases, low enough to stop a script. Counted in
# the shared cache (console.core.cache), so it holds across workers.
PURCHASE_RATE = "10/m"


def _render_buy(request, *, member, form, spec=None, status=200):
    """The buy dialog with the quote for `spec` (the chosen one, else the first on sale)."""
    spec = spec or form.fields["spec"].queryset.first()
    voucher_code = (form.data.get("voucher") or "").strip() if form.is_bound else ""
    # Why this person or account may not buy (the same words the purchase would be refused with):
    # the page says so instead of offering a price to confirm, and shows neither the payment split
    # of balances nor the account's vouchers, which the person may not be allowed to see.
    refusal = buy_refusal(member)
    vouchers = [] if refusal else list(vouchers_usable(member.account, now=clock.now()))
    voucher = next((v for v in vouchers if v.code == voucher_code), None)
    quote = purchase_quote(account=member.account, spec=spec, voucher=voucher) if spec and not refusal else None
    context = {
        "buy_refusal": refusal,
        "form": form,
        "spec": spec,
        "quote": quote,
        "discount_percent": discount_percent(spec) if spec else Decimal("0"),
        "vouchers": vouchers,
        "voucher_code": voucher_code,
    }
    template = TEMPLATE
    if request.htmx:
        template += "#form" if request.method == "POST" else "#dialog"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def package_buy(request):
    member = member_for(request.user)
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
    if rate_limit_exceeded(request, group="purchases.package_buy", key="user", rate=PURCHASE_RATE, method="POST"):
        form.add_error(None, _("Too many purchases. Wait a minute, then try again."))
        return _render_buy(request, member=member, form=form, spec=spec, status=429)
    try:
        result = package_purchase(
            account=member.account,
            member=member,
            spec_id=spec.pk,
            shown_price=form.cleaned_data["shown_price"],
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            voucher_code=form.cleaned_data["voucher"],
        )
    except (PurchaseRefused, PermissionRefused, IdempotencyKeyReused) as refused:
        field = refused.field if refused.field in form.fields else None
        form.add_error(field, refused.message)
        return _render_buy(request, member=member, form=form, spec=spec, status=refused.http_status)

    package = result.package
    done = _("Bought %(spec)s as %(code)s: USD %(paid)s paid.") % {
        "spec": package.spec, "code": package.code, "paid": package.paid_total,
    }
    return dialog_done(request, message=done, fallback_url=reverse("package_detail", args=[package.code]))
