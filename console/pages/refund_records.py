"""Refund records: every refund of the account (console, API, ticket) with its order ID, filtered
by date, order or package ID and channel, paged, and exported as CSV (the filtered rows only)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from console.accounts.models import Account
from console.accounts.permissions import MemberAction, member_require
from console.accounts.selectors import member_for
from console.core import clock
from console.core.listing import DateRangeForm, applied_query, csv_download, page_of, within_days
from refunds.models import CHANNEL_CHOICES, Refund
from refunds.selectors import refund_records_for

RECORDS = "pages/refund_records.html"
RECORDS_PER_PAGE = 20
CSV_HEADER = [
    "order_id", "package", "spec", "cash", "commission", "free", "total", "refunded_to_uin", "channel", "time", "requested_by",
]


class RefundRecordsFilterForm(DateRangeForm):
    error_prefix = "records"

    q = forms.CharField(
        required=False, max_length=40, strip=True, label=gettext_lazy("Order ID or package ID"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    channel = forms.ChoiceField(
        required=False, label=gettext_lazy("Channel"),
        choices=[("", gettext_lazy("All channels")), *CHANNEL_CHOICES],
        error_messages={"invalid_choice": gettext_lazy("Choose a channel from the list.")},
    )


def records_matching(account: Account, applied: dict) -> QuerySet[Refund]:
    """The account's refunds the applied filter selects, newest first."""
    refunds = refund_records_for(account, channel=applied.get("channel", ""))
    refunds = refunds.filter(within_days("created_at", applied.get("start"), applied.get("end")))
    if search := applied.get("q"):
        refunds = refunds.filter(Q(order_id__icontains=search) | Q(package__code__icontains=search))
    return refunds


def _account_of(request) -> Account:
    member = member_for(request.user)
    # Refund records are money records: the same finance read as the balances (see CAM_ACTIONS).
    member_require(member, MemberAction.SEE_MONEY)
    return member.account


@login_required
@require_GET
@vary_on_headers("HX-Request")
def refund_records(request, *, status: int = 200):
    account = _account_of(request)
    filters = RefundRecordsFilterForm(request.GET or None)
    page = page_of(records_matching(account, filters.applied()), request.GET.get("page"), per_page=RECORDS_PER_PAGE)
    context = {"page": page, "filters": filters, "query": applied_query(filters)}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, RECORDS + "#records" if partial else RECORDS, context, status=status)


@login_required
@require_GET
def refund_records_csv(request):
    account = _account_of(request)
    filters = RefundRecordsFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        # A clear answer for a bad filter, never a 500: the page, with each error beside its field.
        return refund_records(request, status=400)
    zone = clock.billing_zone()
    rows = (
        [
            refund.order_id, refund.package.code, refund.package.spec.name, refund.cash, refund.commission,
            refund.free, refund.total, refund.payer.uin, refund.channel,
            refund.created_at.astimezone(zone).isoformat(), refund.requested_by.get_username(),
        ]
        for refund in records_matching(account, filters.applied()).iterator(chunk_size=2000)
    )
    return csv_download(filename=f"refunds-{account.uin}.csv", header=CSV_HEADER, rows=rows)
