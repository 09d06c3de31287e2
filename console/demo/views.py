"""The presenter panel's endpoints. Each reads the form, calls one service, and goes back.

Every view 404s outside demo mode. Forms post normally (then redirect back to `next`) or through
htmx (then the answer is an HX-Redirect to the same place); either way the page is reloaded,
since a moved clock or a new persona changes everything on it.
"""

from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from console.accounts.models import Account
from console.billing.progress import billing_progress
from console.core import clock
from console.demo import selectors, services
from console.demo.forms import CLOCK_STEPS, ClockForm, DeadlineForm, PersonaForm, TourForm, WindowForm
from console.demo.personas import PERSONAS
from console.demo import tour as tour_data
from console.templatetags.console_format import zoned
from refunds.policy import refund_deadline

LAST_PACKAGE = "demo_deadline_package"


def demo_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DEMO_MODE:
            raise Http404(_("Not in demo mode"))
        return view(request, *args, **kwargs)

    return wrapped


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("packages")


def _back(request: HttpRequest, url: str | None = None) -> HttpResponse:
    url = url or _next_url(request)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _account_of(request: HttpRequest) -> Account | None:
    member = getattr(request.user, "member", None)
    return member.account if member else None


def _landing(user, next_url: str) -> str:
    """Where a new persona lands: the same page when it can see it, else its own start page
    (Package/Plugin Management, or the admin for staff), never a 404 for another account's page."""
    admin_home = reverse("admin:index")
    member = getattr(user, "member", None)
    if member is None:
        if not user.is_staff:
            return reverse("demo:home")
        # Staff stay on an admin page (a tour stop's ticket queue), else land on the admin's home.
        return next_url if next_url.startswith(admin_home) else admin_home
    if next_url.startswith(admin_home) or not selectors.page_visible_to(member, next_url):
        return reverse("packages")
    return next_url


@demo_only
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/demo/home.html", {"personas": PERSONAS, "tour": tour_data.TOUR})


@demo_only
@require_POST
def persona(request: HttpRequest) -> HttpResponse:
    form = PersonaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the demo personas."))
        return _back(request)
    actor = request.user if request.user.is_authenticated else None
    try:
        user = services.persona_switch(actor=actor, username=form.cleaned_data["username"])
    except services.PanelError as error:
        messages.error(request, str(error))
        return _back(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("You are now %(user)s: %(who)s.") % {"user": user.get_username(), "who": PERSONAS[user.get_username()]}
    )
    return _back(request, _landing(user, _next_url(request)))


@demo_only
@login_required
@require_POST
def clock_move(request: HttpRequest) -> HttpResponse:
    form = ClockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to move the clock."))
        return _back(request)
    step = form.cleaned_data["step"]
    if step == "real":
        now = services.clock_reset(actor=request.user)
        messages.success(request, _("Back to real time: %(now)s.") % {"now": zoned(now)})
    else:
        now = services.clock_advance(actor=request.user, by=CLOCK_STEPS[step])
        messages.success(
            request,
            _("Clock moved %(step)s: now %(now)s.") % {"step": dict(form.fields["step"].choices)[step], "now": zoned(now)},
        )
    return _back(request)


@demo_only
@login_required
def deadline(request: HttpRequest) -> HttpResponse:
    """GET: the package chooser (a partial for htmx). POST: move the clock to a deadline."""
    account = _account_of(request)
    if account is None:
        messages.error(request, _("This persona has no cloud account, so no packages."))
        return _back(request)
    # The chooser comes back on the package moved to last, ready for "1 s past deadline".
    form = DeadlineForm(request.POST or None, account=account, initial={"package": request.session.get(LAST_PACKAGE)})
    if request.method == "POST" and form.is_valid():
        package, moment = form.cleaned_data["package"], services.DeadlineMoment(form.cleaned_data["moment"])
        now = services.clock_to_deadline(actor=request.user, package=package, moment=moment)
        request.session[LAST_PACKAGE] = package.pk
        messages.success(
            request,
            _("%(code)s: %(moment)s. Now %(now)s.") % {"code": package.code, "moment": moment.label.lower(), "now": zoned(now)},
        )
        return _back(request)
    zone = clock.billing_zone()
    choices = [(package, refund_deadline(package.purchased_at, zone)) for package in form.fields["package"].queryset]
    template = "console/demo/deadline.html#chooser" if request.htmx else "console/demo/deadline.html"
    return render(request, template, {"form": form, "choices": choices, "next": _next_url(request)})


@demo_only
@login_required
@require_POST
def usage(request: HttpRequest) -> HttpResponse:
    day, written = services.usage_day_simulate(actor=request.user)
    if written:
        messages.success(
            request,
            _("Simulated the usage of yesterday, %(day)s: %(count)s usage records. \"Bill yesterday's usage\" deducts them from the packages.")
            % {"day": f"{day:%Y-%m-%d}", "count": written},
        )
    else:
        messages.info(
            request,
            _("Yesterday, %(day)s, already has its usage: nothing new to simulate. Move the clock on a day (+1 day) to simulate another.")
            % {"day": f"{day:%Y-%m-%d}"},
        )
    return _back(request)


def _nothing_to_bill(day: date) -> str:
    return _("Nothing to bill for %(day)s: no account has usage that day. Click \"Simulate yesterday's usage\" first.") % {
        "day": f"{day:%Y-%m-%d}"
    }


@demo_only
@login_required
@require_POST
def billing(request: HttpRequest) -> HttpResponse:
    """Bill yesterday, the day "Simulate yesterday's usage" writes; with htmx, answer with its
    progress bar, which polls itself until every shard is done and tells the page its packages
    changed. A day without usage says so instead of a bar reading "0 of 0 accounts (100%)"."""
    day = services.billing_yesterday_run(actor=request.user)
    progress = billing_progress(day=day)
    if not request.htmx:
        if progress.accounts:
            messages.success(request, _("Billing of %(day)s queued.") % {"day": f"{day:%Y-%m-%d}"})
        else:
            messages.info(request, _nothing_to_bill(day))
        return _back(request)
    if not progress.accounts:
        return render(request, "console/demo/billing_result.html#nothing", {"message": _nothing_to_bill(day)})
    response = render(request, "console/billing/_progress.html", {"progress": progress})
    return trigger_client_event(response, "packagesChanged")


@demo_only
@login_required
@require_POST
def window(request: HttpRequest) -> HttpResponse:
    account = _account_of(request)
    form = WindowForm(request.POST)
    if account is None or not form.is_valid():
        messages.error(request, _("The billing window belongs to a persona's cloud account."))
        return _back(request)
    is_open = form.cleaned_data["state"] == "open"
    services.billing_window_set(actor=request.user, account=account, open=is_open)
    if is_open:
        messages.success(request, _("Billing in progress for %(account)s: refunds wait until it closes.") % {"account": account.name})
    else:
        messages.success(request, _("Billing finished for %(account)s: refunds are possible again.") % {"account": account.name})
    return _back(request)


@demo_only
@login_required
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    user = services.demo_reset(actor=request.user)
    # The reset emptied the sessions too: sign the same persona in again.
    if user is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Demo data reset and the clock is back to real time."))
    return _back(request, _landing(user, _next_url(request)) if user is not None else reverse("login"))


@demo_only
@require_POST
def tour(request: HttpRequest) -> HttpResponse:
    """Set up a stop of the guided tour: its persona, clock and billing window, then its page, with
    what to click there."""
    form = TourForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stop of the guided tour."))
        return _back(request)
    stop = tour_data.tour_stop(form.cleaned_data["stop"])
    actor = request.user if request.user.is_authenticated else None
    try:
        user, package = services.tour_stop_set_up(actor=actor, stop=stop)
    except services.PanelError as error:
        messages.error(request, str(error))
        return _back(request)
    # Signing in another login starts a new session: remember the stop after it.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[tour_data.SESSION_KEY] = stop.key
    if package is not None:
        # The chooser stays on the stop's package, so "1 s past deadline" is that package's.
        request.session[LAST_PACKAGE] = package.pk
    number, stop, _next = tour_data.tour_position(stop.key)
    messages.success(
        request,
        _("Tour stop %(number)s of %(count)s, %(title)s: %(steps)s")
        % {"number": number, "count": len(tour_data.TOUR), "title": stop.title, "steps": stop.steps},
    )
    return _back(request, _landing(user, stop.url))
