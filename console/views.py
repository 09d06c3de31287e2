from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, trigger_client_event

from console import clock, selectors
from console.forms import PackageQueryForm
from console.selectors import PAGE_SIZES, Sort, Tab
from console.status import PackageStatus


def home(request):
    return redirect("packages")


def package_page_context(page: selectors.PackagePage) -> dict:
    params = page.query.as_querydict()
    return {
        "view": page,
        "params": params,
        # Encoded once here: every row's Refund link carries it.
        "page_query": params.urlencode(),
        "tabs": Tab.choices,
        "statuses": PackageStatus.choices,
        "sorts": Sort.choices,
        "page_sizes": PAGE_SIZES,
    }


@login_required
@require_GET
# The same URL answers with the whole page or only the table; caches must keep them apart.
@vary_on_headers("HX-Request")
def package_list(request):
    member = selectors.member_for(request.user)
    query = PackageQueryForm(request.GET).query()
    page = selectors.package_page(member=member, query=query, now=clock.now())
    template = "console/package_list.html"
    # A history restore after a cache miss asks for the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#table"
    return render(request, template, package_page_context(page))


def package_page_redraw(request, *, member, query: selectors.PackageQuery, message: str) -> HttpResponse:
    """After a dialog changed money or packages: redraw the table and the balances in place (out
    of band), show `message` as a toast, then close the dialog."""
    # The service changed a locked copy of the account; show the balances it left.
    member.account.refresh_from_db()
    page = selectors.package_page(member=member, query=query, now=clock.now())
    context = {**package_page_context(page), "oob": True}
    html = "".join(
        render_to_string(f"console/package_list.html#{part}", context, request) for part in ("table", "summary")
    )
    response = reswap(HttpResponse(html), "none")
    # htmx fires these on the form that sent the request, in this order, once the swap settled;
    # the toast goes first because closing the dialog takes the form out of the page.
    trigger_client_event(response, "toast", {"message": message}, after="settle")
    trigger_client_event(response, "closeDialog", after="settle")
    return response
