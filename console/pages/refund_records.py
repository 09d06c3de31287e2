"""Refund records: every refund of the account (console, API, ticket) with its order ID."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from console.accounts.permissions import MemberAction, member_require
from console.accounts.selectors import member_for
from refunds.models import CHANNEL_CHOICES
from refunds.selectors import refund_records_for

RECORDS = "pages/refund_records.html"
RECORDS_PER_PAGE = 20


@login_required
@require_GET
def refund_records(request):
    member = member_for(request.user)
    # Refund records are money records: the same finance read as the balances (see CAM_ACTIONS).
    member_require(member, MemberAction.SEE_MONEY)
    channel = request.GET.get("channel", "")
    page = Paginator(refund_records_for(member.account, channel=channel), RECORDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "channels": CHANNEL_CHOICES,
        "channel": channel if channel in dict(CHANNEL_CHOICES) else "",
    }
    return render(request, RECORDS, context)
