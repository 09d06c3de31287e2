"""The package page's Billing mode panel: the mode in force, a pending change with its day, and
Change with a confirmation that says what happens to the traffic packages (console.core.confirm:
a modal with htmx, a page without JavaScript); the confirmed POST asks the one service
(`console.billing.services.billing_mode_change`) and answers like every dialog (`dialog_done`), so
the panel and the table refresh themselves."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from console.accounts.models import Account, BillingMode
from console.accounts.permissions import MemberAction, member_require
from console.accounts.selectors import member_for
from console.billing.models import BillingModeChannel
from console.billing.modes import REFUSAL_MESSAGES, traffic_packages_frozen
from console.billing.selectors import billing_mode_state
from console.billing.services import BillingModeRefused, billing_mode_change
from console.core import clock
from console.core.confirm import CONFIRMED_FIELD, Confirmation, confirmation_page, confirmed
from console.core.errors import InvalidRequest
from console.core.http import dialog_done
from console.packages.models import Package, PackageFamily, PackageState
from console.templatetags.console_format import zoned, zoned_day


CONFIRM_IN_PLACE = "pages/billing_mode_confirm.html"


@dataclass(frozen=True)
class TrafficPackages:
    """The account's traffic packages a change freezes or brings back: valid, not used up."""

    count: int
    first_expiry: datetime | None
    last_expiry: datetime | None


def traffic_packages_live(account: Account, *, on: date) -> TrafficPackages:
    """One query: how many are still valid when billing day `on` starts (a package expiring before
    the change takes effect is neither frozen nor brought back), and the soonest and latest expiry."""
    starts = datetime.combine(on, time(0), tzinfo=clock.billing_zone())
    counted = Package.objects.filter(
        owner=account, family=PackageFamily.TRAFFIC, state__in=[PackageState.UNUSED, PackageState.IN_USE], expires_at__gt=starts,
    ).aggregate(count=Count("pk"), first=Min("expires_at"), last=Max("expires_at"))
    return TrafficPackages(count=counted["count"], first_expiry=counted["first"], last_expiry=counted["last"])


def _sentences(*sentences: str) -> str:
    """Sentences one after the other: a space between them in English, none in Chinese."""
    joined = sentences[0]
    for sentence in sentences[1:]:
        joined = pgettext("two sentences in a row", "%(first)s %(second)s") % {"first": joined, "second": sentence}
    return joined


def _mode_name(mode: str) -> str:
    return str(BillingMode(mode).label)


def _frozen_words(packages: TrafficPackages, day: date) -> str:
    if not packages.count:
        return _("The account has no traffic packages to freeze.")
    validity = (
        _("It stays valid until %(expiry)s, as before: freezing does not extend it.") % {"expiry": zoned(packages.first_expiry)}
        if packages.count == 1
        else _("Each stays valid until its own expiry date, as before (from %(first)s to %(last)s): freezing does not extend it.")
        % {"first": zoned(packages.first_expiry), "last": zoned(packages.last_expiry)}
    )
    frozen = ngettext(
        "Its %(count)s traffic package is frozen from %(day)s: it is not deducted while the account is billed by bandwidth.",
        "Its %(count)s traffic packages are frozen from %(day)s: they are not deducted while the account is billed by bandwidth.",
        packages.count,
    ) % {"count": packages.count, "day": zoned_day(day)}
    return _sentences(frozen, validity)


def _back_words(packages: TrafficPackages, day: date) -> str:
    if not packages.count:
        return _("The account has no traffic packages to bring back.")
    return ngettext(
        "Its %(count)s frozen traffic package comes back and is deducted from %(day)s's usage on (if still valid then).",
        "Its %(count)s frozen traffic packages come back and are deducted from %(day)s's usage on (those still valid then).",
        packages.count,
    ) % {"count": packages.count, "day": zoned_day(day)}


def change_confirmation(account: Account, *, target: str, now: datetime) -> Confirmation:
    """What the confirmation says a change to `target` would do now (the rule's day, the traffic
    packages frozen or brought back); a refusal is raised before anything is asked."""
    today = now.astimezone(clock.billing_zone()).date()
    state = billing_mode_state(account, today=today)
    if target != state.target:
        raise InvalidRequest(_("This billing mode cannot be chosen here."))
    if not state.decision.allowed:
        raise BillingModeRefused(REFUSAL_MESSAGES[state.decision.refusal], code=state.decision.refusal.value)
    day = state.decision.effective_on
    back_url = reverse("packages")
    undo = _("You cannot change the billing mode again today. Days already billed keep the mode they were billed in.")
    if state.decision.cancels_pending:
        return Confirmation(
            title=_("Cancel the change to %(mode)s?") % {"mode": _mode_name(state.pending.mode)},
            what_happens=_(
                "The pending change to %(mode)s from %(day)s is cancelled: the account stays on %(in_force)s. "
                "Nothing happens to its traffic packages."
            ) % {"mode": _mode_name(state.pending.mode), "day": zoned_day(day), "in_force": _mode_name(state.in_force)},
            cannot_undo=undo, confirm_label=_("Cancel the change"), back_url=back_url, danger=False,
        )
    packages = traffic_packages_live(account, on=day)
    freezes = traffic_packages_frozen(target)
    starts = _("From %(day)s the billing mode is %(mode)s.") % {"day": zoned_day(day), "mode": _mode_name(target)}
    if day > today + timedelta(days=1):
        starts = _sentences(starts, _("It has usage today already, so today and tomorrow are still billed in the current mode."))
    words = _frozen_words(packages, day) if freezes else _back_words(packages, day)
    return Confirmation(
        title=_("Change the billing mode to %(mode)s?") % {"mode": _mode_name(target)},
        what_happens=_sentences(starts, words, _("Transcoding packages are not affected.")),
        cannot_undo=undo, confirm_label=_("Change"), back_url=back_url, danger=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def billing_mode_change_view(request, mode: str):
    """GET (or a POST without confirmation) asks first; the confirmed POST asks the service."""
    member = member_for(request.user)
    if mode not in BillingMode.values:
        raise InvalidRequest(_("Unknown billing mode."))
    now = clock.now()
    if not confirmed(request):
        member_require(member, MemberAction.MODIFY_BILLING_MODE)
        confirmation = change_confirmation(member.account, target=mode, now=now)
        if not request.htmx:
            return confirmation_page(request, confirmation)
        context = {"confirmation": confirmation, "action_url": request.path, "confirmed_field": CONFIRMED_FIELD}
        return render(request, CONFIRM_IN_PLACE, context)
    change = billing_mode_change(account_id=member.account_id, mode=mode, actor=request.user, member=member, channel=BillingModeChannel.CONSOLE)
    if change.cancels_pending:
        message = _("The pending billing mode change is cancelled.")
    else:
        message = _("The billing mode changes to %(mode)s from %(day)s.") % {
            "mode": _mode_name(change.to_mode), "day": zoned_day(change.effective_on),
        }
    return dialog_done(request, message=message, fallback_url=reverse("packages"))
