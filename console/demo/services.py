"""The presenter panel's actions. Each refuses outside demo mode and leaves an audit row."""

from datetime import date, datetime, timedelta
from io import StringIO
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Account
from console.accounts.preferences import user_language_choice, user_language_set
from console.billing.arrears import standing_sweep
from console.core import clock
from console.core.audit import AuditAction, audit_record
from console.core.errors import InvalidRequest, PermissionRefused
from console.core.models import DemoClock
from console.demo.personas import PERSONAS
from console.packages.models import Package
from refunds.policy import refund_deadline
from tickets.services import service_level_warnings_send

if TYPE_CHECKING:
    from console.demo.tour import TourStop


class PanelError(InvalidRequest):
    """The action cannot be done as asked; the message is for the presenter."""

    code = "panel_refused"


class DeadlineMoment(models.TextChoices):
    # The clock keeps running after it is moved, so "on the deadline" would be past it by the
    # time the page loads; the last minute leaves the presenter time to click Refund.
    LAST_MINUTE = "last_minute", gettext_lazy("Last minute before the deadline")
    SECOND_PAST = "second_past", gettext_lazy("One second past the deadline")


def _require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise PermissionRefused(_("The presenter panel only works in demo mode."))


def _demo_row() -> DemoClock:
    # Demo-wide actions (usage, billing, reset) have no object of their own: the demo's one
    # row stands for the demo in the audit trail.
    return DemoClock.objects.get_or_create(pk=1)[0]


def persona_switch(*, actor: AbstractBaseUser | None, username: str) -> AbstractBaseUser:
    """Check `username` is a demo persona and return its user; the view logs it in."""
    _require_demo_mode()
    if username not in PERSONAS:
        raise PanelError(_("%(user)r is not a demo persona.") % {"user": username})
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise PanelError(_("There is no %(user)r login yet: reset the demo data to create it.") % {"user": username})
    member = getattr(user, "member", None)
    audit_record(
        actor=actor, action=AuditAction.DEMO_PERSONA_SWITCH, obj=user,
        account=member.account if member else None,
        before={"username": actor.get_username() if actor else None},
        after={"username": username},
    )
    return user


def _clock_set(*, actor: AbstractBaseUser, offset: timedelta, action: str,
               account: Account | None = None, note: str = "") -> datetime:
    before = clock.offset()
    with transaction.atomic():
        clock.set_offset(offset)
        audit_record(
            actor=actor, action=action, obj=_demo_row(), account=account,
            before={"offset": before}, after={"offset": offset, "now": clock.now()}, note=note,
        )
    # What Celery beat's sweeps would have done by the new time (the demo runs no beat), once the
    # move is committed: at once here, or after the tour stop that moved the clock inside its own
    # transaction (the sweeps' durable transactions cannot nest in it).
    transaction.on_commit(_sweeps_after_clock_move)
    return clock.now()


def _sweeps_after_clock_move() -> None:
    # By the clock as committed (whoever runs this callback, and whatever it had pinned).
    token = clock.pin_request_offset()
    try:
        # An account in arrears whose 24 hours passed is suspended now, on the presenter's click.
        standing_sweep()
        # A ticket now about to miss (or past) its reply time is warned about.
        service_level_warnings_send()
    finally:
        clock.unpin(token)


def clock_advance(*, actor: AbstractBaseUser, by: timedelta) -> datetime:
    """Move the demo clock forward by `by`; returns the new demo time."""
    _require_demo_mode()
    return _clock_set(actor=actor, offset=clock.offset() + by, action=AuditAction.DEMO_CLOCK_ADVANCE)


def clock_reset(*, actor: AbstractBaseUser) -> datetime:
    """Back to real time."""
    _require_demo_mode()
    return _clock_set(actor=actor, offset=timedelta(0), action=AuditAction.DEMO_CLOCK_RESET)


def deadline_moment(purchased_at: datetime, moment: DeadlineMoment) -> datetime:
    """The instant `moment` names for a package bought at `purchased_at`."""
    # The deadline is 23:59:59.999999 local; pages show it to the second.
    shown = refund_deadline(purchased_at, clock.billing_zone()).replace(microsecond=0)
    if moment == DeadlineMoment.LAST_MINUTE:
        return shown - timedelta(seconds=59)
    return shown + timedelta(seconds=1)


def clock_to_deadline(*, actor: AbstractBaseUser, package: Package, moment: DeadlineMoment) -> datetime:
    """Move the demo clock to `moment` around `package`'s refund deadline."""
    _require_demo_mode()
    if refund_deadline(package.purchased_at, clock.billing_zone()) <= clock.now():
        # Its deadline is behind us: going there would move the clock back (a year, for a package
        # bought a year ago). The chooser only offers packages whose deadline is ahead.
        raise PanelError(
            _("The refund deadline of %(code)s has already passed. Choose a newer package.") % {"code": package.code}
        )
    target = deadline_moment(package.purchased_at, moment)
    return _clock_set(
        actor=actor, offset=target - timezone.now(), action=AuditAction.DEMO_CLOCK_TO_DEADLINE,
        account=package.owner, note=f"{package.code}: {DeadlineMoment(moment).label}",
    )


def billing_day() -> date:
    """The day both billing buttons of the panel work on: yesterday, demo time."""
    return clock.today() - timedelta(days=1)


def usage_day_simulate(*, actor: AbstractBaseUser) -> tuple[date, int]:
    """Simulate yesterday's usage (demo time) for every account; returns the day and the records
    written (none for an account that already has usage that day).

    Yesterday, not today: a day's usage is billed the following day, and the panel's next button
    bills yesterday, so "simulate, then bill" in that order deducts what was just simulated, as the
    nightly schedule does (`console.billing.tasks.usage_simulate_yesterday`, then `billing_yesterday`)."""
    _require_demo_mode()
    from console.billing.usage import usage_simulate

    day = billing_day()
    with transaction.atomic():
        written = usage_simulate(day=day)
        audit_record(
            actor=actor, action=AuditAction.DEMO_USAGE_SIMULATE, obj=_demo_row(), after={"day": day, "records": written}
        )
    return day, written


def billing_yesterday_run(*, actor: AbstractBaseUser) -> date:
    """Bill yesterday (demo time) the way the nightly schedule does: one Celery task per shard of
    accounts, run on the workers when a broker is configured, here and now otherwise. Returns the
    day, whose progress `console.billing.progress.billing_progress` reports."""
    _require_demo_mode()
    from console.billing.tasks import billing_dispatch

    day = billing_day()
    dispatch = billing_dispatch(day=day)
    audit_record(
        actor=actor, action=AuditAction.DEMO_BILLING_RUN, obj=_demo_row(),
        after={"day": day, "accounts": dispatch.accounts, "shards": len(dispatch.shards)},
    )
    return day


def tour_stop_set_up(*, actor: AbstractBaseUser | None, stop: "TourStop") -> tuple[AbstractBaseUser, Package | None]:
    """Set up a guided-tour stop (console.demo.tour) in one go: its persona (returned, for the view
    to sign in), the clock (real time, or at a seeded package's refund deadline: that package is
    returned too, for the chooser to stay on) and its account's billing window. Checked first, then done in one transaction, so a refused stop changes nothing;
    each part is audited as the panel's own button would audit it."""
    _require_demo_mode()
    package = None
    if stop.deadline is not None:
        code, moment = stop.deadline
        package = Package.objects.filter(code=code).first()
        if package is None:
            raise PanelError(_("There is no package %(code)s: reset the demo data to seed it again.") % {"code": code})
        # The stop starts from real time: the deadline must be ahead of it.
        if refund_deadline(package.purchased_at, clock.billing_zone()) <= timezone.now():
            raise PanelError(
                _("The demo data was seeded on an earlier day, so the deadline of %(code)s has passed: reset the demo data.")
                % {"code": code}
            )
    with transaction.atomic():
        user = persona_switch(actor=actor, username=stop.persona)
        if clock.offset():
            clock_reset(actor=user)
        if package is not None:
            clock_to_deadline(actor=user, package=package, moment=stop.deadline[1])
        member = getattr(user, "member", None)
        if member is not None and member.account.billing_in_progress != stop.billing_window:
            billing_window_set(actor=user, account=member.account, open=stop.billing_window)
    return user, package


def billing_window_set(*, actor: AbstractBaseUser, account: Account, open: bool) -> Account:
    """Open or close the "billing in progress" window of `account`."""
    _require_demo_mode()
    from console.billing.run import billing_window_close, billing_window_open

    before = account.billing_started_at
    with transaction.atomic():
        (billing_window_open if open else billing_window_close)(account=account)
        audit_record(
            actor=actor, action=AuditAction.DEMO_BILLING_WINDOW_OPEN if open else AuditAction.DEMO_BILLING_WINDOW_CLOSE,
            obj=account, account=account,
            before={"billing_started_at": before}, after={"billing_started_at": account.billing_started_at},
        )
    return account


def demo_reset(*, actor: AbstractBaseUser) -> AbstractBaseUser | None:
    """Wipe and re-seed the demo data at real time; returns the actor's login as re-created, with
    the language the presenter had chosen (the seed's logins have none)."""
    _require_demo_mode()
    username = actor.get_username()
    language = user_language_choice(actor)
    with transaction.atomic():
        # Real time first: the seed dates its packages from clock.now().
        clock.set_offset(timedelta(0))
        call_command("seed_demo", reset=True, stdout=StringIO())
        # The reset replaced every row, logins included.
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and language:
            user_language_set(user=user, language=language)
        audit_record(actor=user, action=AuditAction.DEMO_RESET, obj=_demo_row(), note=f"Requested by {username}")
    return user
