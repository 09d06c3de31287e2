"""A package's own page: its facts, auto-renewal, deductions, and, as on its row of the package
table, its refund deadline and Refund (the same verdict from the refund policy, the same dialog).
In the page layer because it shows the refund area's answer beside the package area's facts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from console.accounts.selectors import member_for
from console.core import clock
from console.core.http import page_part
from console.core.listing import page_of
from console.packages import selectors
from console.packages.status import package_status
from console.templatetags.console_format import countdown
from refunds.selectors import account_facts, refund_verdict

DETAIL = "console/packages/detail.html"
DEDUCTIONS_PER_PAGE = 20


@login_required
@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def package_detail(request, code):
    member = member_for(request.user)
    package = selectors.package_of_account(account=member.account, code=code)
    now = clock.now()
    verdict = refund_verdict(package, account_facts=account_facts(member.account, now=now), now=now, member=member)
    if package.is_refunded:
        deadline_state = "refunded"
    elif verdict.never:  # nothing to wait for: the reason is under the button
        deadline_state = "never"
    else:
        deadline_state = "open" if verdict.window_open else "closed"
    context = {
        "package": package,
        "status": package_status(package, billing_mode=member.account.billing_mode_at(now), now=now),
        "verdict": verdict,
        "deadline_state": deadline_state,
        "countdown": countdown(verdict.deadline, now) if deadline_state == "open" else "",
        "page": page_of(selectors.deductions_for(package), request.GET.get("page"), per_page=DEDUCTIONS_PER_PAGE),
        "renewal_failures": selectors.renewal_failures_for(package),
        "auto_renew_note": selectors.auto_renew_note(package),
    }
    # The facts fetch themselves again after a refund; the deductions' page links swap them.
    part = page_part(request.htmx, target="package-facts", part="#facts", otherwise="#deductions")
    return render(request, DETAIL + part, context)
