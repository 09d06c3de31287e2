import csv
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from console.accounts.permissions import MemberAction, member_require
from console.accounts.selectors import member_for
from console.billing import selectors
from console.billing.forms import LedgerFilterForm
from console.billing.progress import billing_progress
from console.core import clock
from console.core.listing import applied_query, page_of
from console.ledger.memos import entry_memo_english
from console.ledger.selectors import ledger_for

LEDGER_PER_PAGE = 50


def _member_who_may_see_money(request):
    """The signed-in member, or a 403 (PermissionRefused) for one the API would refuse
    DescribeAccountBalance: every view of this page shows the account's money."""
    member = member_for(request.user)
    member_require(member, MemberAction.SEE_MONEY)
    return member


@login_required
def balance_and_bills(request):
    return _page(request)


def _page(request, *, status: int = 200):
    member = _member_who_may_see_money(request)
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
    template = "console/billing/balance.html#ledger" if request.htmx else "console/billing/balance.html"
    return render(request, template, context, status=status)


class _Echo:
    def write(self, value):
        return value


@login_required
def ledger_csv(request):
    member = _member_who_may_see_money(request)
    filters = LedgerFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        # A clear answer for a bad range, never a 500: the page, with each error beside its field.
        return _page(request, status=400)
    start, end = filters.dates()
    entries = ledger_for(member.account, start=start, end=end)
    writer = csv.writer(_Echo())
    header = ["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]

    def rows():
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([
                entry.created_at.astimezone(clock.billing_zone()).isoformat(), entry.bucket, entry.kind,
                entry.amount, entry.balance_after, entry.package.code if entry.package else "", entry.reference, entry_memo_english(entry),
            ])

    span = "-".join(day.strftime("%Y%m%d") if day else "all" for day in (start, end)) if (start or end) else "all"
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ledger-{member.account.uin}-{span}.csv"'
    return response


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
