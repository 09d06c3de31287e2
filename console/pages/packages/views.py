from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from console.accounts.permissions import buy_refusal
from console.accounts.selectors import member_for
from console.core import clock
from console.core.http import page_part
from console.core.listing import csv_download
from console.packages.status import PackageStatus
from console.pages.packages import selectors
from console.pages.packages.forms import PackageQueryForm
from console.pages.packages.query import PAGE_SIZE_CHOICES, Sort, Tab
from console.pages.packages.rows import draw_rows

PACKAGE_LIST = "pages/package_list.html"


@login_required
@require_GET
# The same URL answers with the whole page or only a part; caches must keep them apart.
@vary_on_headers("HX-Request", "HX-Target")
def package_list(request):
    member = member_for(request.user)
    # The balances fetch themselves again after a dialog; the table's links and filters swap it.
    part = page_part(request.htmx, target="account-summary", part="#summary", otherwise="#table")
    if part == "#summary":  # the balances alone need no packages
        summary = selectors.account_summary(member.account, now=clock.now())
        return render(request, PACKAGE_LIST + part, {"view": summary})
    filters = PackageQueryForm(request.GET)
    page = selectors.package_page(member=member, query=filters.query(), now=clock.now())
    context = {
        "view": page,
        "filters": filters,
        # The export carries exactly what the table selects (console.core.listing's rule).
        "export_query": page.query.export_querydict().urlencode(),
        "rows": draw_rows(page.rows, account_id=page.account.pk, now=page.now),
        "params": page.query.as_querydict(),
        "tabs": Tab.choices,
        "statuses": PackageStatus.choices,
        "sorts": Sort.choices,
        "page_sizes": PAGE_SIZE_CHOICES,
        "server_now": page.now.isoformat(timespec="seconds"),
        "search_limit": selectors.SEARCH_COUNT_LIMIT,
        # Why the Buy button is disabled, said beside it in the buy page's own words.
        "buy_refusal": buy_refusal(member),
    }
    return render(request, PACKAGE_LIST + part, context)


@login_required
@require_GET
def package_list_csv(request):
    """The packages the table selects (its tab, status, search, purchase dates and order), every
    page of them, as CSV. A bad date is dropped as the table drops it, so both agree."""
    member = member_for(request.user)
    now = clock.now()
    rows = selectors.export_rows(member.account, PackageQueryForm(request.GET).query(), now=now)
    return csv_download(filename=f"packages-{member.account.uin}.csv", header=selectors.EXPORT_HEADER, rows=rows)
